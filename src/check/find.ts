import { ts } from '../engine/typescript.cjs';
import { createProgram, parseErrorOf, scriptKindOf, type ParseError, type SourceInput } from '../engine/program.js';
import { constantString, findProperty, importOrigin, isFromModules, objectLiteralOf, resolveMethodCall, unwrapExpression } from '../engine/resolve.js';
import { ADVICE, CATEGORY_LABELS, classifyKey, classifyPath, isDerivedKey, type PiiCategory, type PiiMatch } from './pii.js';

export type RuleId = 'pii-attribute' | 'pii-error-message';

export interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: RuleId;
  category: PiiCategory | 'error-message';
  /** Why, and what to write instead. Never contains the attribute's value. */
  message: string;
  /** A stable description of the finding (key or path, not the value): baselines match on it. */
  subject: string;
}

export interface CheckPolicy {
  /** Keys never reported (exact, or a glob with `*`). */
  allow?: string[];
  /** Keys always reported, as personal data. */
  deny?: string[];
  /** Extra regular expressions (source text) a key is personal data when it matches. */
  patterns?: string[];
}

export interface FileFindings {
  path: string;
  findings: Finding[];
  parseError?: ParseError;
}

const API = ['@opentelemetry/api'];
// Method name → the container types of @opentelemetry/api that declare it.
const WRITES: Record<string, string[]> = {
  setAttribute: ['Span'],
  setAttributes: ['Span'],
  addEvent: ['Span'],
  addLink: ['Span'],
  addLinks: ['Span'],
  updateName: ['Span'],
  startSpan: ['Tracer'],
  startActiveSpan: ['Tracer'],
  setEntry: ['Baggage'],
  createBaggage: ['PropagationAPI'],
};
/** The text prefilter: only files that may write through the OpenTelemetry API are analysed. */
export function mayWriteTelemetry(text: string): boolean {
  return /@opentelemetry\/api|setAttributes?\s*\(|startSpan|startActiveSpan|createBaggage|setEntry/.test(text);
}

const IGNORE_NEXT_LINE = /otelify-ignore-next-line\s+pii\s*:\s*\S/;
const IGNORE_WITHOUT_REASON = /otelify-ignore-next-line\s+pii\b(?!\s*:\s*\S)/;

/** Finds span and baggage writes whose key, value or span name carries personal data. */
export function findPii(sources: SourceInput[], options: { compilerOptions: ts.CompilerOptions; policy?: CheckPolicy }): FileFindings[] {
  if (sources.length === 0) return [];
  const policy = compilePolicy(options.policy ?? {});
  // Most attribute writes are plainly harmless (`order.id` from `order.id`); only files with a write that
  // might not be go into the type-checked program.
  const suspects = sources.filter((source) => {
    const file = ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, true, scriptKindOf(source.path));
    return parseErrorOf(file) !== undefined || isSuspect(file, policy);
  });
  const program = suspects.length > 0 ? createProgram(suspects, options.compilerOptions) : undefined;
  const checker = program?.getTypeChecker();
  return sources.map((source) => {
    const file = program?.getSourceFile(source.path);
    if (!file || !checker) return { path: source.path, findings: [] };
    const parseError = parseErrorOf(file);
    if (parseError) return { path: source.path, findings: [], parseError };
    return { path: source.path, findings: new FileChecker(file, checker, policy).run() };
  });
}

/**
 * A syntactic first look: could any OpenTelemetry-looking write in this file report something? Anything the
 * syntax alone cannot settle (a key held in a constant, an attributes object built elsewhere, a spread)
 * counts as suspect, so the type-checked pass decides.
 */
function isSuspect(file: ts.SourceFile, policy: CompiledPolicy): boolean {
  const keyIsSuspect = (node: ts.Node): boolean => {
    if (ts.isIdentifier(node) && node.parent && (ts.isPropertyAssignment(node.parent) || ts.isShorthandPropertyAssignment(node.parent))) return keyTextIsSuspect(node.text);
    if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return keyTextIsSuspect(node.text);
    return true;
  };
  const keyTextIsSuspect = (key: string) =>
    classifyKey(key) !== undefined || policy.deny.some((r) => r.test(key)) || policy.patterns.some((r) => r.test(key));
  const valueIsSuspect = (value: ts.Expression | undefined): boolean =>
    !!value &&
    valueParts(value).some((part) => {
      if (ts.isPropertyAccessExpression(part) && ['message', 'stack'].includes(part.name.text)) return true;
      const path = referencePath(part);
      return path !== undefined && classifyPath(path) !== undefined;
    });
  const objectIsSuspect = (node: ts.Expression | undefined, nested?: string): boolean => {
    if (!node) return false;
    const object = unwrapExpression(node);
    if (!ts.isObjectLiteralExpression(object)) return !ts.isArrowFunction(object) && !ts.isFunctionExpression(object) && !ts.isNumericLiteral(object);
    return object.properties.some((property) => {
      if (!ts.isPropertyAssignment(property)) return true;
      if (keyIsSuspect(property.name)) return true;
      const value = nested ? (objectValue(property.initializer, nested) ?? property.initializer) : property.initializer;
      return valueIsSuspect(value);
    });
  };
  const nameIsSuspect = (node: ts.Expression | undefined) => !!node && !ts.isStringLiteralLike(unwrapExpression(node)) && valueIsSuspect(node);
  let suspect = false;
  const visit = (node: ts.Node): void => {
    if (suspect) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && WRITES[node.expression.name.text]) {
      const [first, second] = node.arguments;
      switch (node.expression.name.text) {
        case 'setAttribute':
          suspect = (!!first && keyIsSuspect(first)) || valueIsSuspect(second);
          break;
        case 'setEntry': {
          // `setEntry(key, { value })`: an entry built elsewhere needs the checker.
          const entry = second && objectValue(second, 'value');
          suspect = (!!first && keyIsSuspect(first)) || (!!second && !entry) || valueIsSuspect(entry);
          break;
        }
        case 'setAttributes':
          suspect = objectIsSuspect(first);
          break;
        case 'addEvent':
          suspect = nameIsSuspect(first) || objectIsSuspect(second);
          break;
        case 'addLink':
        case 'addLinks':
          suspect = true;
          break;
        case 'updateName':
          suspect = nameIsSuspect(first);
          break;
        case 'startSpan':
        case 'startActiveSpan':
          suspect = nameIsSuspect(first) || (!!second && ts.isObjectLiteralExpression(unwrapExpression(second)) ? objectIsSuspect(objectValue(second, 'attributes')) : false);
          break;
        case 'createBaggage':
          suspect = objectIsSuspect(first, 'value');
          break;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return suspect;
}

/** `{ name: X }` of an inline object literal. */
function objectValue(node: ts.Expression, name: string): ts.Expression | undefined {
  const object = unwrapExpression(node);
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  const property = findProperty(object, name);
  return property && ts.isPropertyAssignment(property) ? property.initializer : undefined;
}

interface CompiledPolicy {
  allow: RegExp[];
  deny: RegExp[];
  patterns: RegExp[];
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

function compilePolicy(policy: CheckPolicy): CompiledPolicy {
  return { allow: (policy.allow ?? []).map(glob), deny: (policy.deny ?? []).map(glob), patterns: (policy.patterns ?? []).map((p) => new RegExp(p, 'i')) };
}

class FileChecker {
  private readonly findings: Finding[] = [];

  constructor(
    private readonly file: ts.SourceFile,
    private readonly checker: ts.TypeChecker,
    private readonly policy: CompiledPolicy,
  ) {}

  run(): Finding[] {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) this.visitCall(node);
      ts.forEachChild(node, visit);
    };
    visit(this.file);
    return this.findings;
  }

  private visitCall(call: ts.CallExpression): void {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const types = WRITES[method];
    if (!types) return;
    let resolution = resolveMethodCall(this.checker, call, callee.expression, API, types);
    if (resolution === 'unknown') resolution = isFromModules(importOrigin(this.checker, callee.expression), API) ? 'match' : 'no-match';
    if (resolution !== 'match') return;
    const [first, second] = call.arguments;
    switch (method) {
      case 'setAttribute':
        if (first) this.checkPair(first, second, 'span attribute');
        break;
      case 'setAttributes':
        this.checkAttributes(first, 'span attribute');
        break;
      case 'addEvent':
        this.checkName(first, 'event name');
        if (second && !isTimeInput(this.checker, second)) this.checkAttributes(second, 'event attribute');
        break;
      case 'addLink':
        this.checkAttributes(propertyValue(this.checker, first, 'attributes'), 'link attribute');
        break;
      case 'addLinks': {
        const list = first && unwrapExpression(first);
        if (list && ts.isArrayLiteralExpression(list)) for (const link of list.elements) this.checkAttributes(propertyValue(this.checker, link, 'attributes'), 'link attribute');
        break;
      }
      case 'updateName':
        this.checkName(first, 'span name');
        break;
      case 'startSpan':
      case 'startActiveSpan':
        this.checkName(first, 'span name');
        if (second && !isFunction(second)) this.checkAttributes(propertyValue(this.checker, second, 'attributes'), 'span attribute');
        break;
      case 'setEntry':
        if (first) this.checkPair(first, propertyValue(this.checker, second, 'value'), 'baggage entry');
        break;
      case 'createBaggage': {
        const entries = objectLiteralOf(this.checker, first);
        for (const property of entries?.properties ?? []) {
          if (!ts.isPropertyAssignment(property)) continue;
          this.checkPair(property.name, propertyValue(this.checker, property.initializer, 'value'), 'baggage entry');
        }
        break;
      }
    }
  }

  /** An attributes object: literal properties, spreads, or a typed object whose fields are personal data. */
  private checkAttributes(expression: ts.Expression | undefined, what: string): void {
    if (!expression) return;
    const literal = objectLiteralOf(this.checker, expression);
    if (!literal) return this.checkObjectType(expression, what);
    for (const property of literal.properties) {
      if (ts.isPropertyAssignment(property)) this.checkPair(property.name, property.initializer, what);
      else if (ts.isShorthandPropertyAssignment(property)) this.checkPair(property.name, property.name, what);
      else if (ts.isSpreadAssignment(property)) this.checkObjectType(property.expression, what);
    }
  }

  /** `{ ...customer }`, `setAttributes(user)`: the fields of its type become attribute keys. */
  private checkObjectType(expression: ts.Expression, what: string): void {
    const type = this.checker.getTypeAtLocation(expression);
    if (type.flags & ts.TypeFlags.Any) return;
    for (const property of type.getProperties()) {
      const match = this.classifyKeyText(property.getName());
      if (match) return this.report(expression, 'pii-attribute', match, `${what}s spread from ${expression.getText(this.file)} include '${property.getName()}', which is ${CATEGORY_LABELS[match.category]}`, property.getName());
    }
  }

  private checkPair(keyNode: ts.Node, value: ts.Expression | undefined, what: string): void {
    const key = this.keyText(keyNode);
    if (key !== undefined) {
      if (this.policy.allow.some((r) => r.test(key))) return;
      const match = this.classifyKeyText(key);
      if (match) return this.report(keyNode, 'pii-attribute', match, `${what} '${key}' carries ${CATEGORY_LABELS[match.category]}`, key);
    }
    // Under a key that names a reduction (`transfer.iban_country`), the value was reduced on purpose.
    if (key !== undefined && isDerivedKey(key)) return;
    if (value) this.checkValue(value, key === undefined ? `a ${what}` : `${what} '${key}'`, key ?? keyNode.getText(this.file));
  }

  private checkName(expression: ts.Expression | undefined, what: string): void {
    if (!expression) return;
    const node = unwrapExpression(expression);
    if (ts.isStringLiteralLike(node)) return;
    this.checkValue(node, `the ${what}`, what);
  }

  /** A value is personal data when its own name says so: `order.customer.email`, `req.body`, `prompt`. */
  private checkValue(expression: ts.Expression, where: string, subject: string): void {
    for (const part of valueParts(expression)) {
      if (isErrorMessage(this.checker, part)) {
        this.add(part, 'pii-error-message', 'error-message',
          `${capitalize(where)} is set from an error message, which often embeds user data: record the error's class (error.type) or a code instead.`, `${subject}<-error.message`);
        continue;
      }
      const path = referencePath(part);
      if (!path) continue;
      const match = classifyPath(path);
      if (match) this.report(part, 'pii-attribute', match, `${where} is set from '${path}', which is ${CATEGORY_LABELS[match.category]}`, `${subject}<-${path}`);
    }
  }

  private classifyKeyText(key: string): PiiMatch | undefined {
    if (this.policy.allow.some((r) => r.test(key))) return undefined;
    if (this.policy.deny.some((r) => r.test(key)) || this.policy.patterns.some((r) => r.test(key))) {
      return { category: 'user-content', evidence: key };
    }
    return classifyKey(key);
  }

  /** The key as text: a literal, a template (its static parts), a const or enum member, a semconv constant. */
  private keyText(node: ts.Node): string | undefined {
    // A property name is its own text; an identifier anywhere else is a variable holding the key.
    const isPropertyName = !!node.parent && (ts.isPropertyAssignment(node.parent) || ts.isShorthandPropertyAssignment(node.parent)) && node.parent.name === node;
    if (isPropertyName && (ts.isIdentifier(node) || ts.isPrivateIdentifier(node))) return node.text;
    if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return node.text;
    if (ts.isComputedPropertyName(node)) return this.keyText(node.expression);
    if (!ts.isExpression(node)) return undefined;
    const expression = unwrapExpression(node);
    if (ts.isTemplateExpression(expression)) {
      return [expression.head.text, ...expression.templateSpans.map((s) => `*${s.literal.text}`)].join('');
    }
    return constantString(this.checker, expression);
  }

  private report(node: ts.Node, ruleId: RuleId, match: PiiMatch, what: string, subject: string): void {
    this.add(node, ruleId, match.category, `${capitalize(what)} (personal data): ${ADVICE[match.category]}.`, subject);
  }

  /** Records a finding unless a reasoned `otelify-ignore-next-line pii: ...` comment stands above it. */
  private add(node: ts.Node, ruleId: RuleId, category: Finding['category'], message: string, subject: string): void {
    const start = this.file.getLineAndCharacterOfPosition(node.getStart(this.file));
    const end = this.file.getLineAndCharacterOfPosition(node.getEnd());
    const finding: Finding = {
      file: this.file.fileName,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      ruleId,
      category,
      message,
      subject,
    };
    if (this.suppressed(start.line)) return;
    if (this.suppressedWithoutReason(start.line)) finding.message += ' (an otelify-ignore-next-line comment needs a reason: `// otelify-ignore-next-line pii: <why>`)';
    this.findings.push(finding);
  }

  private lineText(line: number): string {
    const starts = this.file.getLineStarts();
    if (line < 0) return '';
    return this.file.text.slice(starts[line] ?? 0, starts[line + 1] ?? this.file.text.length);
  }

  private suppressed(line: number): boolean {
    return IGNORE_NEXT_LINE.test(this.lineText(line - 1));
  }

  private suppressedWithoutReason(line: number): boolean {
    return IGNORE_WITHOUT_REASON.test(this.lineText(line - 1));
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isFunction(node: ts.Expression): boolean {
  const inner = unwrapExpression(node);
  return ts.isArrowFunction(inner) || ts.isFunctionExpression(inner);
}

/** `addEvent(name, time)`: the second argument may be a time, not attributes. */
function isTimeInput(checker: ts.TypeChecker, node: ts.Expression): boolean {
  const inner = unwrapExpression(node);
  if (ts.isObjectLiteralExpression(inner)) return false;
  if (ts.isArrayLiteralExpression(inner) || ts.isNumericLiteral(inner) || ts.isNewExpression(inner)) return true;
  const type = checker.getTypeAtLocation(inner);
  return !!(type.flags & ts.TypeFlags.NumberLike) || type.getSymbol()?.getName() === 'Date';
}

/** `{ attributes: X }` or `{ value: X }` of an inline (or const) object. */
function propertyValue(checker: ts.TypeChecker, node: ts.Expression | undefined, name: string): ts.Expression | undefined {
  const literal = objectLiteralOf(checker, node);
  const property = literal && findProperty(literal, name);
  if (property && ts.isPropertyAssignment(property)) return property.initializer;
  if (property && ts.isShorthandPropertyAssignment(property)) return property.name;
  return undefined;
}

/**
 * The parts of a value expression that can carry data: the expression itself, template parts, string
 * concatenations, and the arguments of `JSON.stringify`/`String` (but not of hashing or counting calls).
 */
function valueParts(expression: ts.Expression): ts.Expression[] {
  const node = unwrapExpression(expression);
  if (ts.isTemplateExpression(node)) return node.templateSpans.flatMap((span) => valueParts(span.expression));
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...valueParts(node.left), ...valueParts(node.right)];
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return [...valueParts(node.left), ...valueParts(node.right)];
  }
  if (ts.isConditionalExpression(node)) return [...valueParts(node.whenTrue), ...valueParts(node.whenFalse)];
  if (ts.isCallExpression(node)) {
    const name = node.expression.getText();
    // Calls that pass the data through: serialising it, or taking a piece of a string.
    if (/^(JSON\.stringify|String|encodeURIComponent|Buffer\.from|[\w.]*\.(toString|trim|toLowerCase|toUpperCase|slice|substring|substr|padEnd|normalize))$/.test(name)) {
      const target = ts.isPropertyAccessExpression(node.expression) && /\.(toString|trim|toLowerCase|toUpperCase|slice|substring|substr|padEnd|normalize)$/.test(name) ? [node.expression.expression] : node.arguments.slice(0, 1);
      return target.flatMap(valueParts);
    }
    return [];
  }
  if (ts.isPrefixUnaryExpression(node) || ts.isTypeOfExpression(node)) return [];
  return [node];
}

/** `order.customer.email` → 'order.customer.email'; anything else (calls, literals) → undefined. */
function referencePath(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) {
    const left = referencePath(node.expression) ?? (node.expression.kind === ts.SyntaxKind.ThisKeyword ? 'this' : undefined);
    return left === undefined ? node.name.text : `${left}.${node.name.text}`;
  }
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    const left = referencePath(node.expression);
    return left === undefined ? node.argumentExpression.text : `${left}.${node.argumentExpression.text}`;
  }
  return undefined;
}

/** `err.message` / `error.stack` of an Error (or an untyped `err`/`error`/`e`). */
function isErrorMessage(checker: ts.TypeChecker, node: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(node) || !['message', 'stack'].includes(node.name.text)) return false;
  const owner = node.expression;
  const type = checker.getTypeAtLocation(owner);
  const isError = (t: ts.Type): boolean => {
    const name = t.getSymbol()?.getName() ?? '';
    if (/Error$|Exception$/.test(name)) return true;
    return t.getBaseTypes?.()?.some(isError) ?? false;
  };
  if (isError(type) || checker.getBaseConstraintOfType(type) && isError(checker.getBaseConstraintOfType(type)!)) return true;
  const untyped = !!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown));
  return untyped && ts.isIdentifier(owner) && /^(e|err|error|ex|exception|cause)$/i.test(owner.text);
}

