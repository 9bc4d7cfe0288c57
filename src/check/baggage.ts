// Baggage that is large or unbounded. Baggage goes out in the `baggage` header of every request made in its
// context, to every service downstream, and the W3C propagator drops what is over the limits without a word:
// a `key=value` pair over 4,096 bytes, entries past the 180th, pairs that would take the header past 8,192
// bytes. So a value that grows with the data (a serialised object, a joined list, free text, whatever a
// client sent) has no place there, and neither has a literal baggage over the limits.
import { ts } from '../engine/typescript.cjs';
import { constantString, objectLiteralOf, propertyValue, unwrapExpression, valueDeclarationOf } from '../engine/resolve.js';
import { flowParts, isErrorMessage, isErrorText, nameOrigin, referencePath, type Origin, type ValueTracer } from './flow.js';
import { isDerivedKey, words } from './pii.js';

/** What @opentelemetry/core's W3CBaggagePropagator keeps (its BAGGAGE_MAX_* constants). */
export const BAGGAGE_LIMITS = { pairBytes: 4096, headerBytes: 8192, entries: 180 } as const;

export type BaggageConcern = 'serialized-value' | 'list-value' | 'free-text' | 'request-data' | 'unbounded-entries' | 'too-many-entries' | 'too-large';

export interface BaggageHost {
  checker: ts.TypeChecker;
  tracer: ValueTracer;
  /** A key's text where it is known (a literal, a const, an enum member); a template's holes are `*`. */
  keyText(node: ts.Node): string | undefined;
  report(node: ts.Node, concern: BaggageConcern, message: string, subject: string): void;
}

const INSTEAD = 'put an id or a small enum value in baggage, and keep it under a few hundred bytes';

/** Words that name text of any length, beyond those the personal-data vocabulary already calls user content. */
const FREE_TEXT = new Set(['description', 'summary', 'title', 'details', 'detail', 'html', 'markdown', 'url', 'uri', 'href', 'referer', 'referrer', 'useragent', 'stack', 'remarks']);
const FREE_TEXT_CATEGORIES = new Set(['user-content', 'llm-content', 'body']);

/** Calls that make a list: their result joined or printed grows with it. */
const LIST_MAKERS = /^(map|filter|flatMap|flat|split|getAll|keys|values|entries|from|of|sort|toSorted|reverse|toReversed)$/;

/** One write to a baggage: the entries it sets (in order), or what it removes. */
type Write = { set: Entry[] } | { remove: string } | { clear: true };
interface Entry {
  key: string;
  /** `encodeURIComponent(key)=encodeURIComponent(value)`, as the propagator serialises it; a lower bound where the value is not known. */
  bytes: number;
  exact: boolean;
}

/** The writes that made a baggage, as far as they are known: `exact` when no unknown baggage came before them. */
interface Lineage {
  writes: Write[];
  exact: boolean;
}

type Over = { kind: 'pair'; key: string; bytes: number } | { kind: 'entries'; count: number } | { kind: 'header'; bytes: number };

export class BaggageChecker {
  /** A value or a const literal reached from several writes is reported once. */
  private readonly reported = new Set<ts.Node>();

  constructor(private readonly host: BaggageHost) {}

  /** `propagation.createBaggage({ key: { value } })`. */
  checkCreate(call: ts.CallExpression): void {
    const [entries] = call.arguments;
    if (!entries) return;
    const literal = objectLiteralOf(this.host.checker, entries);
    if (literal) {
      this.checkLiteralEntries(literal);
    } else {
      this.checkCopiedEntries(entries);
    }
    this.checkLimits(call, entries);
  }

  /** `baggage.setEntry(key, { value })`. */
  checkSetEntry(call: ts.CallExpression): void {
    const [key, entry] = call.arguments;
    if (!key) return;
    this.checkValue(key, propertyValue(this.host.checker, entry, 'value'));
    this.checkKeyInLoop(call, key);
    this.checkLimits(call, entry ?? key);
  }

  private checkLiteralEntries(literal: ts.ObjectLiteralExpression, depth = 0): void {
    for (const property of literal.properties) {
      if (ts.isPropertyAssignment(property)) this.checkValue(property.name, propertyValue(this.host.checker, property.initializer, 'value'));
      else if (ts.isSpreadAssignment(property)) {
        const spread = objectLiteralOf(this.host.checker, property.expression);
        if (spread && depth < 4) this.checkLiteralEntries(spread, depth + 1);
        else if (!spread) this.checkCopiedEntries(property.expression);
      }
    }
  }

  /** `createBaggage(Object.fromEntries(...))`, `{ ...req.headers }`: as many entries as the data has. */
  private checkCopiedEntries(expression: ts.Expression): void {
    const origin = this.host.tracer.origin(expression);
    const built = unwrapExpression(expression);
    const fromEntries = ts.isCallExpression(built) && ts.isPropertyAccessExpression(built.expression) && built.expression.name.text === 'fromEntries';
    if (!origin && !(fromEntries && !this.isSmallLiteralList(built.arguments[0]))) return;
    const via = origin?.via ?? short(expression.getText());
    this.once(expression, 'unbounded-entries', `This baggage gets one entry per field of ${via}: their number and size are unbounded, and the propagator drops entries past the 180th and past 8,192 bytes without a word. Set a fixed set of keys instead: ${INSTEAD}.`, `entries<-${via}`);
  }

  /** `for (const [k, v] of Object.entries(headers)) bag = bag.setEntry(k, ...)`: one entry per element. */
  private checkKeyInLoop(call: ts.CallExpression, keyNode: ts.Expression): void {
    const key = this.host.keyText(keyNode);
    if (key !== undefined && !key.includes('*')) return;
    const loop = enclosingLoop(call);
    if (!loop || this.isSmallLiteralList(loop.collection) || isBaggageEntries(loop.collection)) return;
    // `if (FORWARDED.has(k))`: the keys are drawn from a fixed set.
    const names = new Set(identifiersIn(keyNode));
    if (isGuardedByMembership(loop.body, names)) return;
    const via = this.host.tracer.origin(loop.collection)?.via ?? short(loop.collection.getText());
    this.once(keyNode, 'unbounded-entries', `This baggage gets one entry per element of ${via}: their number is unbounded, and the propagator drops entries past the 180th and past 8,192 bytes without a word. Set a fixed set of keys instead: ${INSTEAD}.`, `entries<-${via}`);
  }

  /** The value of one entry: serialised, a list made text, free text, or request data. */
  private checkValue(keyNode: ts.Node, value: ts.Expression | undefined): void {
    if (!value) return;
    const key = this.host.keyText(keyNode) ?? keyNode.getText();
    const entry = `Baggage entry '${key}'`;
    for (const part of valueParts(value)) {
      if (isTruncated(part)) continue;
      const shape = this.shapeOf(part);
      if (shape === 'serialized-value') {
        return this.once(part, shape, `${entry} is a serialised object (${short(calleeText(part))}): it grows with the data, and goes out in the baggage header of every request in this context. Instead, ${INSTEAD}.`, `${key}<-serialized`);
      }
      if (shape === 'list-value') {
        return this.once(part, shape, `${entry} is a list turned into text: it grows with the list, and goes out in the baggage header of every request in this context. Instead, ${INSTEAD}.`, `${key}<-list`);
      }
      if (isErrorMessage(this.host.checker, part) || isErrorText(this.host.checker, part)) {
        return this.once(part, 'free-text', `${entry} is set from an error's message, free text of any length. Instead, ${INSTEAD} (error.type, a code).`, `${key}<-error`);
      }
      const origin = this.host.tracer.origin(part);
      if (origin?.from) {
        const who = origin.from === 'request' ? 'request data whose size the client decides' : "message data whose size the producer decides";
        return this.once(part, 'request-data', `${entry} is set from ${origin.via}, ${who}. Instead, ${INSTEAD}.`, `${key}<-${origin.via}`);
      }
      const text = [nameOrigin(part), origin].find((o): o is Origin => !!o && FREE_TEXT_CATEGORIES.has(o.match.category))?.via ?? freeTextName(part);
      if (text) return this.once(part, 'free-text', `${entry} is set from ${text}, free text of any length. Instead, ${INSTEAD}.`, `${key}<-${text}`);
    }
  }

  private shapeOf(part: ts.Expression): 'serialized-value' | 'list-value' | undefined {
    if (ts.isCallExpression(part)) {
      const callee = unwrapExpression(part.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      const receiver = ts.isPropertyAccessExpression(callee) ? unwrapExpression(callee.expression) : undefined;
      if (name === 'stringify') return 'serialized-value';
      // `new URLSearchParams(filters).toString()`: an object as a query string.
      if (name === 'toString' && receiver && ts.isNewExpression(receiver) && receiver.expression.getText() === 'URLSearchParams') return 'serialized-value';
      if (name === 'join' && receiver) return 'list-value';
      if ((name === 'toString' || name === 'toLocaleString') && receiver && this.isList(receiver)) return 'list-value';
      if (ts.isIdentifier(callee) && name === 'String' && part.arguments[0] && this.isList(part.arguments[0])) return 'list-value';
      // `items.reduce((s, i) => s + i.sku, '')`: a join by hand.
      const initial = part.arguments[1] && unwrapExpression(part.arguments[1]);
      if (/^reduce(Right)?$/.test(name) && initial && ts.isStringLiteralLike(initial)) return 'list-value';
      return undefined;
    }
    if (ts.isIdentifier(part) && this.isAppendedInLoop(part)) return 'list-value';
    // `${tags}`, `'x' + tags`, or a list where a string belongs (plain JavaScript): printed with commas.
    return this.isList(part) ? 'list-value' : undefined;
  }

  /** An array by its type, or, untyped, by what the variable was made from. */
  private isList(expression: ts.Expression, depth = 0): boolean {
    const node = unwrapExpression(expression);
    const type = this.host.checker.getNonNullableType(this.host.checker.getTypeAtLocation(node));
    if (!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return this.host.checker.isArrayLikeType(type) && !(type.flags & ts.TypeFlags.StringLike);
    if (ts.isArrayLiteralExpression(node)) return true;
    if (ts.isCallExpression(node)) {
      const callee = unwrapExpression(node.expression);
      return ts.isPropertyAccessExpression(callee) && LIST_MAKERS.test(callee.name.text) && !/^(JSON)$/.test(callee.expression.getText());
    }
    if (!ts.isIdentifier(node) || depth > 3) return false;
    const declaration = valueDeclarationOf(this.host.checker, node);
    const initializer = declaration && (ts.isVariableDeclaration(declaration) || ts.isBindingElement(declaration)) ? declaration.initializer : undefined;
    return !!initializer && this.isList(initializer, depth + 1);
  }

  /** `let skus = ''; for (const i of items) skus += i.sku;`: a string that grows once per element. */
  private isAppendedInLoop(node: ts.Identifier): boolean {
    const declaration = valueDeclarationOf(this.host.checker, node);
    if (!declaration || !ts.isVariableDeclaration(declaration) || ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) return false;
    // A sum (`total += price`) stays a number's width.
    if (this.host.checker.getTypeAtLocation(node).flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike)) return false;
    const scope = declaration.parent.parent.parent;
    let appended = false;
    const visit = (n: ts.Node): void => {
      if (appended) return;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken && ts.isIdentifier(n.left) && n.left.text === node.text && enclosingLoop(n)) appended = true;
      ts.forEachChild(n, visit);
    };
    if (scope) visit(scope);
    return appended;
  }

  /** `[...]` or a const holding one, short enough to stay under the entry limit. */
  private isSmallLiteralList(expression: ts.Expression | undefined): boolean {
    if (!expression) return false;
    let node = unwrapExpression(expression);
    if (ts.isIdentifier(node)) {
      const declaration = valueDeclarationOf(this.host.checker, node);
      if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) node = unwrapExpression(declaration.initializer);
    }
    if (ts.isArrayLiteralExpression(node)) return node.elements.length <= BAGGAGE_LIMITS.entries && !node.elements.some(ts.isSpreadElement);
    // `Object.entries(FLAGS)` of a const object literal.
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(entries|keys|values)$/.test(node.expression.name.text)) {
      const object = objectLiteralOf(this.host.checker, node.arguments[0]);
      return !!object && object.properties.length <= BAGGAGE_LIMITS.entries && !object.properties.some(ts.isSpreadAssignment);
    }
    return false;
  }

  /**
   * Over a W3C limit, counted as the propagator serialises the baggage: reported at the write that takes the
   * baggage over (the one whose entries would be the first dropped), once.
   */
  private checkLimits(write: ts.CallExpression, at: ts.Node): void {
    const lineage = this.lineage(write, 0);
    if (!lineage || lineage.writes.length === 0) return;
    const over = overLimit(lineage.writes);
    if (!over || overLimit(lineage.writes.slice(0, -1))) return;
    const exact = lineage.exact && lineage.writes.every((w) => !('set' in w) || w.set.every((e) => e.exact));
    const least = exact ? '' : 'at least ';
    const bytes = (n: number) => n.toLocaleString('en-US');
    if (over.kind === 'pair') {
      this.once(at, 'too-large', `Baggage entry '${over.key}' serialises to ${least}${bytes(over.bytes)} bytes (key=value, percent-encoded): the propagator drops any entry over 4,096 bytes without a word. Instead, ${INSTEAD}.`, `${over.key}>4096-bytes`);
    } else if (over.kind === 'entries') {
      this.once(at, 'too-many-entries', `This baggage has ${least}${over.count} entries: W3C Baggage allows 180, and the propagator drops the rest without a word. Keep baggage to a few entries: ${INSTEAD}.`, 'baggage>180-entries');
    } else {
      this.once(at, 'too-large', `This baggage serialises to ${least}${bytes(over.bytes)} bytes (key=value pairs, percent-encoded, joined by commas): W3C Baggage allows 8,192, and the propagator drops the entries that do not fit without a word. Instead, ${INSTEAD}.`, 'baggage>8192-bytes');
    }
  }

  /**
   * The writes that made a baggage, oldest first: `createBaggage(...)`, then each `setEntry`, through method
   * chains, consts, and a `let` reassigned statement by statement. What came before an unknown baggage (a
   * parameter, `getActiveBaggage()`) is left out, so the entries are a lower bound; undefined when a write
   * with a key that is not known could replace a counted entry.
   */
  private lineage(expression: ts.Expression, depth: number): Lineage | undefined {
    const unknown: Lineage = { writes: [], exact: false };
    if (depth > 40) return unknown;
    const node = unwrapExpression(expression);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (method === 'createBaggage') {
        const entries = node.arguments[0] ? this.literalEntries(node.arguments[0]) : [];
        return entries && { writes: [{ set: entries }], exact: true };
      }
      if (method === 'setEntry' || method === 'removeEntry' || method === 'removeEntries' || method === 'clear') {
        const base = this.lineage(node.expression.expression, depth + 1);
        if (!base) return undefined;
        if (method === 'clear') return { writes: [...base.writes, { clear: true }], exact: base.exact };
        const keys = method === 'removeEntries' ? node.arguments : node.arguments.slice(0, 1);
        const texts = keys.map((k) => this.constantKey(k));
        if (texts.some((k) => k === undefined)) return undefined;
        if (method !== 'setEntry') return { writes: [...base.writes, ...texts.map((k) => ({ remove: k! }))], exact: base.exact };
        const entry = this.entryOf(texts[0]!, node.arguments[1]);
        return { writes: [...base.writes, { set: [entry] }], exact: base.exact };
      }
      return unknown;
    }
    if (ts.isIdentifier(node)) return this.lineageOfVariable(node, depth);
    return unknown;
  }

  /** A variable's baggage where it is read: a const's initializer, or the last assignment above in the same block. */
  private lineageOfVariable(node: ts.Identifier, depth: number): Lineage | undefined {
    const unknown: Lineage = { writes: [], exact: false };
    const declaration = valueDeclarationOf(this.host.checker, node);
    if (!declaration || !ts.isVariableDeclaration(declaration)) return unknown;
    if (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) return declaration.initializer ? this.lineage(declaration.initializer, depth + 1) : unknown;
    const statement = statementIn(node);
    const declared = declaration.parent.parent;
    if (!statement || !ts.isVariableStatement(declared) || declared.parent !== statement.parent) return unknown;
    const statements = (statement.parent as ts.Block | ts.SourceFile).statements;
    for (let i = statements.indexOf(statement) - 1; i > statements.indexOf(declared); i--) {
      const previous = statements[i]!;
      const assigned = assignmentTo(previous, node.text);
      if (assigned) return this.lineage(assigned, depth + 1);
      if (assigns(previous, node.text)) return unknown;
    }
    return declaration.initializer ? this.lineage(declaration.initializer, depth + 1) : unknown;
  }

  /** The entries of a `createBaggage` argument in order; undefined when one could replace a counted entry unseen. */
  private literalEntries(expression: ts.Expression, depth = 0): Entry[] | undefined {
    const literal = objectLiteralOf(this.host.checker, expression);
    if (!literal || depth > 4) return undefined;
    const entries: Entry[] = [];
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) {
        const spread = this.literalEntries(property.expression, depth + 1);
        if (!spread) return undefined;
        entries.push(...spread);
      } else if (ts.isPropertyAssignment(property)) {
        const key = this.constantKey(property.name);
        if (key === undefined) return undefined;
        entries.push(this.entryOf(key, property.initializer));
      } else {
        return undefined;
      }
    }
    return entries;
  }

  private entryOf(key: string, entry: ts.Expression | undefined): Entry {
    const value = this.constantValue(propertyValue(this.host.checker, entry, 'value'));
    const encodedKey = encoded(key) ?? key;
    const encodedValue = value === undefined ? undefined : encoded(value);
    return { key, bytes: encodedKey.length + 1 + (encodedValue?.length ?? 0), exact: encodedValue !== undefined };
  }

  private constantKey(node: ts.Node): string | undefined {
    const key = this.host.keyText(node);
    return key === undefined || key.includes('*') ? undefined : key;
  }

  /** A string known at compile time: a literal, or a const (typed or not) that holds one. */
  private constantValue(expression: ts.Expression | undefined): string | undefined {
    const known = constantString(this.host.checker, expression);
    if (known !== undefined || !expression) return known;
    const node = unwrapExpression(expression);
    if (!ts.isIdentifier(node)) return undefined;
    const declaration = valueDeclarationOf(this.host.checker, node);
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return undefined;
    const initializer = unwrapExpression(declaration.initializer);
    return ts.isStringLiteralLike(initializer) ? initializer.text : undefined;
  }

  private once(node: ts.Node, concern: BaggageConcern, message: string, subject: string): void {
    if (this.reported.has(node)) return;
    this.reported.add(node);
    this.host.report(node, concern, message, subject);
  }
}

/** The first limit the writes take the baggage over, replayed as the propagator serialises it. */
function overLimit(writes: Write[]): Over | undefined {
  // A Map keeps a replaced key where it was, as the API's baggage does.
  const entries = new Map<string, Entry>();
  for (const write of writes) {
    if ('clear' in write) entries.clear();
    else if ('remove' in write) entries.delete(write.remove);
    else for (const entry of write.set) entries.set(entry.key, entry);
  }
  const all = [...entries.values()];
  const oversized = all.find((e) => e.bytes > BAGGAGE_LIMITS.pairBytes);
  if (oversized) return { kind: 'pair', key: oversized.key, bytes: oversized.bytes };
  if (all.length > BAGGAGE_LIMITS.entries) return { kind: 'entries', count: all.length };
  const header = all.reduce((total, e, i) => total + e.bytes + (i > 0 ? 1 : 0), 0);
  return header > BAGGAGE_LIMITS.headerBytes ? { kind: 'header', bytes: header } : undefined;
}

function encoded(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined; // a lone surrogate: the propagator would throw too
  }
}

/** The parts that make up a value's text: template holes, concatenated and alternative operands. */
function valueParts(expression: ts.Expression): ts.Expression[] {
  const node = unwrapExpression(expression);
  if (ts.isTemplateExpression(node)) return node.templateSpans.flatMap((span) => valueParts(span.expression));
  if (ts.isBinaryExpression(node)) {
    const kind = node.operatorToken.kind;
    if (kind === ts.SyntaxKind.PlusToken || kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken) return [...valueParts(node.left), ...valueParts(node.right)];
    if (kind === ts.SyntaxKind.AmpersandAmpersandToken) return valueParts(node.right);
  }
  if (ts.isConditionalExpression(node)) return [...valueParts(node.whenTrue), ...valueParts(node.whenFalse)];
  return [node];
}

/** The most characters a value cut to a literal length (`subject.slice(0, 64)`) may keep and still be small. */
const SMALL_TEXT = 256;

/** `text.slice(0, 64)`, `text.substring(0, 80)`: cut to a small length, whatever it was. */
function isTruncated(part: ts.Expression): boolean {
  if (!ts.isCallExpression(part) || !ts.isPropertyAccessExpression(part.expression) || !/^(slice|substring|substr)$/.test(part.expression.name.text)) return false;
  const [start, end] = part.arguments.map((a) => unwrapExpression(a));
  if (!start || !end || !ts.isNumericLiteral(start) || !ts.isNumericLiteral(end)) return false;
  const length = part.expression.name.text === 'substr' ? Number(end.text) : Number(end.text) - Number(start.text);
  return length <= SMALL_TEXT;
}

/** `ticket.description`, `referrer.trim()`: a name for text of any length (and not a reduction of it, like `title.length`). */
function freeTextName(part: ts.Expression): string | undefined {
  for (const inner of flowParts(part)) {
    const path = referencePath(inner);
    if (path === undefined || isDerivedKey(path)) continue;
    const parts = words(path);
    if (FREE_TEXT.has(parts[parts.length - 1] ?? '') || FREE_TEXT.has(parts.slice(-2).join(''))) return path;
  }
  return undefined;
}

function calleeText(call: ts.Expression): string {
  return ts.isCallExpression(call) ? call.expression.getText() : call.getText();
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** The loop a write repeats in, within its function: `for...of`/`for...in`, or a `forEach`/`map`/`reduce` callback. */
function enclosingLoop(node: ts.Node): { collection: ts.Expression; body: ts.Node } | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if ((ts.isForOfStatement(current) || ts.isForInStatement(current)) && current.statement) return { collection: current.expression, body: current.statement };
    if (ts.isArrowFunction(current) || ts.isFunctionExpression(current)) {
      const call = current.parent;
      if (call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && /^(forEach|map|flatMap|reduce|reduceRight)$/.test(call.expression.name.text)) {
        return { collection: call.expression.expression, body: current.body };
      }
      return undefined;
    }
    if (ts.isFunctionLike(current)) return undefined;
  }
  return undefined;
}

/** `incoming.getAllEntries()`: a baggage's entries, which the propagator already held to the limits. */
function isBaggageEntries(collection: ts.Expression): boolean {
  const node = unwrapExpression(collection);
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'getAllEntries';
}

function identifiersIn(node: ts.Node): string[] {
  const names: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) names.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/** `ALLOWED.has(k)`, `FORWARDED.includes(name)` on one of the key's names, anywhere in the loop's body. */
function isGuardedByMembership(body: ts.Node, names: Set<string>): boolean {
  let guarded = false;
  const visit = (n: ts.Node): void => {
    if (guarded) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(has|includes)$/.test(n.expression.name.text)) {
      const [argument] = n.arguments;
      if (argument && identifiersIn(argument).some((name) => names.has(name))) guarded = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return guarded;
}

/** The statement of a block (or of the file) that holds a node, not leaving its function. */
function statementIn(node: ts.Node): ts.Statement | undefined {
  for (let current: ts.Node = node; current.parent; current = current.parent) {
    if (ts.isBlock(current.parent) || ts.isSourceFile(current.parent)) return current as ts.Statement;
    if (ts.isFunctionLike(current.parent)) return undefined;
  }
  return undefined;
}

/** `name = value;` as a statement of its own. */
function assignmentTo(statement: ts.Statement, name: string): ts.Expression | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const expression = unwrapExpression(statement.expression);
  return ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(expression.left) && expression.left.text === name ? expression.right : undefined;
}

/** Whether a statement assigns the name anywhere inside it (a branch, a loop, a callback). */
function assigns(statement: ts.Statement, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(n.left) && n.left.text === name) found = true;
    ts.forEachChild(n, visit);
  };
  visit(statement);
  return found;
}
