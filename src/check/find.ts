import { ts } from '../engine/typescript.cjs';
import { createProgram, parseErrorOf, scriptKindOf, type ParseError, type SourceInput } from '../engine/program.js';
import { constantString, findProperty, importOrigin, isFromModules, objectLiteralOf, propertyValue, resolveMethodCall, unwrapExpression } from '../engine/resolve.js';
import { BaggageChecker, type BaggageConcern } from './baggage.js';
import { flowParts, isErrorMessage, isErrorText, isMessageMetadata, isSafeName, nameOrigin, referencePath, ValueTracer } from './flow.js';
import { ADVICE, CATEGORY_LABELS, classifyKey, classifyPath, isDerivedKey, type PiiCategory, type PiiMatch } from './pii.js';

export type RuleId = 'pii-attribute' | 'pii-error-message' | 'baggage-size';
export type Severity = 'error' | 'warning';

/** An error fails the check; a warning is reported and lets it pass. */
export const SEVERITY: Record<RuleId | 'parse-error', Severity> = {
  'pii-attribute': 'error',
  'pii-error-message': 'warning',
  'baggage-size': 'warning',
  'parse-error': 'error',
};

export interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: RuleId;
  severity: Severity;
  category: PiiCategory | 'error-message' | BaggageConcern;
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
  setBaggage: ['PropagationAPI'],
  recordException: ['Span'],
  setStatus: ['Span'],
  // Metric attributes are exported with every data point.
  add: ['Counter', 'UpDownCounter'],
  record: ['Histogram', 'Gauge'],
  observe: ['ObservableResult', 'BatchObservableResult'],
};
/** The text prefilter: only files that may write through the OpenTelemetry API are analysed. */
export function mayWriteTelemetry(text: string): boolean {
  return /@opentelemetry\/api|setAttributes?\s*\(|startSpan|startActiveSpan|createBaggage|setEntry|recordException|setStatus\s*\(/.test(text);
}

/** `// otelify-ignore-next-line pii: <why>` for the personal-data rules, `baggage: <why>` for baggage-size. */
const IGNORE_WORD: Record<RuleId, string> = { 'pii-attribute': 'pii', 'pii-error-message': 'pii', 'baggage-size': 'baggage' };

/** Finds span and baggage writes whose key, value or span name carries personal data, and baggage that is large or unbounded. */
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
  // Callers of a helper may sit in any file at hand, suspect or not: those outside the program are read
  // syntactically when a parameter is followed to its arguments.
  let files: ts.SourceFile[] | undefined;
  const allFiles = () =>
    (files ??= sources.map((source) => program?.getSourceFile(source.path) ?? ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, true, scriptKindOf(source.path))));
  const tracer = checker && new ValueTracer(checker, allFiles);
  return sources.map((source) => {
    const file = program?.getSourceFile(source.path);
    if (!file || !checker || !tracer) return { path: source.path, findings: [] };
    const parseError = parseErrorOf(file);
    if (parseError) return { path: source.path, findings: [], parseError };
    return { path: source.path, findings: new FileChecker(file, checker, policy, tracer).run() };
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
  // Any value that is not a literal may come from personal data (the checked pass follows it to its source),
  // but for a read whose own name says it holds none (`order.id`, `request.itemCount`).
  const valueIsSuspect = (value: ts.Expression | undefined): boolean =>
    !!value &&
    flowParts(value).some((part) => {
      if (isLiteral(part)) return false;
      const last = ts.isPropertyAccessExpression(part) ? part.name.text : ts.isIdentifier(part) ? part.text : undefined;
      return last === undefined || !isSafeName(last) || classifyPath(referencePath(part) ?? '') !== undefined;
    });
  const keyReduces = (node: ts.Node | undefined): boolean =>
    !!node && ts.isStringLiteralLike(node) && keyReducesValue(node.text);
  const objectIsSuspect = (node: ts.Expression | undefined): boolean => {
    if (!node) return false;
    const object = unwrapExpression(node);
    if (!ts.isObjectLiteralExpression(object)) return !ts.isArrowFunction(object) && !ts.isFunctionExpression(object) && !ts.isNumericLiteral(object);
    return object.properties.some((property) => {
      if (!ts.isPropertyAssignment(property)) return true;
      if (keyIsSuspect(property.name)) return true;
      if (keyReduces(ts.isIdentifier(property.name) ? ts.factory.createStringLiteral(property.name.text) : property.name)) return false;
      return valueIsSuspect(property.initializer);
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
          suspect = (!!first && keyIsSuspect(first)) || (!keyReduces(first) && valueIsSuspect(second));
          break;
        case 'setEntry':
        case 'createBaggage':
          // Baggage is also checked for its size, which needs the checker (constants, chains, loops); it is rare.
          suspect = true;
          break;
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
        case 'recordException':
          suspect = true;
          break;
        case 'setStatus':
          suspect = !!first && (!ts.isObjectLiteralExpression(unwrapExpression(first)) || valueIsSuspect(objectValue(first, 'message')));
          break;
        case 'add':
        case 'record':
          suspect = objectIsSuspect(second);
          break;
        case 'observe':
          suspect = objectIsSuspect(node.arguments.length > 2 ? node.arguments[2] : second);
          break;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return suspect;
}

/**
 * A key that names a reduction (`transfer.iban_country`, `email_domain`): what is written under it was reduced
 * on purpose. An id key (`user.id`, `enduser.id`) names no reduction, so its value is still looked at.
 */
function keyReducesValue(key: string): boolean {
  return isDerivedKey(key) && !/(^|[._-])(id|ids)$/i.test(key);
}

function isLiteral(node: ts.Expression): boolean {
  return ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword;
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
  private readonly baggage: BaggageChecker;

  constructor(
    private readonly file: ts.SourceFile,
    private readonly checker: ts.TypeChecker,
    private readonly policy: CompiledPolicy,
    private readonly tracer: ValueTracer,
  ) {
    this.baggage = new BaggageChecker({
      checker,
      tracer,
      keyText: (node) => this.keyText(node),
      report: (node, concern, message, subject) => this.add(node, 'baggage-size', concern, message, subject),
    });
  }

  run(): Finding[] {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) this.visitCall(node);
      ts.forEachChild(node, visit);
    };
    visit(this.file);
    return this.findings;
  }

  private visitCall(call: ts.CallExpression): void {
    const method = telemetryWrite(this.checker, call);
    if (!method) return;
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
        this.baggage.checkSetEntry(call);
        break;
      case 'createBaggage': {
        const entries = objectLiteralOf(this.checker, first);
        for (const property of entries?.properties ?? []) {
          if (!ts.isPropertyAssignment(property)) continue;
          this.checkPair(property.name, propertyValue(this.checker, property.initializer, 'value'), 'baggage entry');
        }
        this.baggage.checkCreate(call);
        break;
      }
      case 'recordException':
        if (first) this.checkException(first);
        break;
      case 'setBaggage':
        if (second) this.checkBaggagePut(call, second);
        break;
      case 'setStatus': {
        const message = propertyValue(this.checker, first, 'message');
        if (message) this.checkValue(message, 'the status message', 'status.message');
        break;
      }
      case 'add':
      case 'record':
        this.checkAttributes(second, 'metric attribute');
        break;
      case 'observe':
        this.checkAttributes(call.arguments.length > 2 ? call.arguments[2] : second, 'metric attribute');
        break;
    }
  }

  /** An attributes object: literal properties, spreads, or a typed object whose fields are personal data. */
  private checkAttributes(expression: ts.Expression | undefined, what: string): void {
    if (!expression) return;
    const literal = objectLiteralOf(this.checker, expression);
    if (!literal) return this.checkSpread(expression, what);
    for (const property of literal.properties) {
      if (ts.isPropertyAssignment(property)) this.checkPair(property.name, property.initializer, what);
      else if (ts.isShorthandPropertyAssignment(property)) this.checkPair(property.name, property.name, what);
      else if (ts.isSpreadAssignment(property)) this.checkSpread(property.expression, what);
    }
  }

  /** `{ ...rest }`: the fields of its type, or, untyped, where the spread object comes from. */
  private checkSpread(expression: ts.Expression, what: string): void {
    const before = this.findings.length;
    this.checkObjectType(expression, what);
    if (this.findings.length > before) return;
    const origin = this.tracer.origin(expression);
    if (origin) this.report(expression, 'pii-attribute', origin.match, `${what}s spread from ${expression.getText(this.file)} come from ${origin.via}, which is ${CATEGORY_LABELS[origin.match.category]}`, `spread<-${origin.via}`);
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
    if (key !== undefined && keyReducesValue(key)) return;
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
    for (const part of flowParts(expression)) {
      if (isErrorMessage(this.checker, part)) {
        this.add(part, 'pii-error-message', 'error-message',
          `${capitalize(where)} is set from an error message, which often embeds user data: record the error's class (error.type) or a code instead.`, `${subject}<-error.message`);
        continue;
      }
      const path = isMessageMetadata(part) ? undefined : referencePath(part);
      const match = path !== undefined ? classifyPath(path) : undefined;
      if (match) {
        this.report(part, 'pii-attribute', match, `${where} is set from '${path}', which is ${CATEGORY_LABELS[match.category]}`, `${subject}<-${path}`);
        continue;
      }
      if (isErrorText(this.checker, part)) {
        this.add(part, 'pii-error-message', 'error-message', `${capitalize(where)} is set from an error's text, which often embeds user data: record the error's class (error.type) or a code instead.`, `${subject}<-error`);
        continue;
      }
      const origin = this.tracer.origin(part);
      if (origin) this.report(part, 'pii-attribute', origin.match, `${where} is set from ${origin.via}, which is ${CATEGORY_LABELS[origin.match.category]}`, `${subject}<-${origin.via}`);
    }
  }

  /**
   * `propagation.setBaggage(ctx, bag)`: the baggage goes out with every request made in that context. Where
   * `bag` was built (`createBaggage(...)`, `.setEntry(...)`) with a personal entry, this is where it leaves.
   */
  private checkBaggagePut(call: ts.CallExpression, bag: ts.Expression): void {
    let built: ts.Expression | undefined = unwrapExpression(bag);
    for (let i = 0; built && ts.isIdentifier(built) && i < 4; i++) {
      const declaration: ts.Declaration | undefined = this.checker.getSymbolAtLocation(built)?.valueDeclaration;
      built = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? unwrapExpression(declaration.initializer) : undefined;
    }
    const entries: { key: ts.Node; value: ts.Expression | undefined }[] = [];
    for (let node = built; node && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression); node = unwrapExpression(node.expression.expression)) {
      const method = node.expression.name.text;
      if (method === 'setEntry' && node.arguments[0]) entries.push({ key: node.arguments[0], value: propertyValue(this.checker, node.arguments[1], 'value') });
      if (method === 'createBaggage') {
        for (const property of objectLiteralOf(this.checker, node.arguments[0])?.properties ?? []) {
          if (ts.isPropertyAssignment(property)) entries.push({ key: property.name, value: propertyValue(this.checker, property.initializer, 'value') });
        }
      }
    }
    const before = this.findings.length;
    for (const { key, value } of entries) this.checkPair(key, value, 'baggage entry');
    const found = this.findings.splice(before);
    // Reported where the entry is written already; here it is said once more, where the baggage leaves.
    if (found.length > 0) this.add(call, 'pii-attribute', found[0]!.category, `The baggage set here carries personal data (${found[0]!.subject}): baggage goes out with every outgoing request in this context. ${found[0]!.message}`, `baggage<-${found[0]!.subject}`);
  }

  /**
   * `span.recordException(error)` exports the error's message and stack. An error made here with a literal
   * message carries nothing of the user's; a caught error, or one whose message is built from data, may.
   */
  private checkException(exception: ts.Expression): void {
    const made = this.constructionOf(exception);
    if (made) {
      const [message] = made.arguments ?? [];
      if (!message || isLiteral(unwrapExpression(message)) || ts.isNoSubstitutionTemplateLiteral(unwrapExpression(message))) return;
      const named = nameOrigin(message);
      const origin = named ? { ...named, via: `'${named.via}'` } : this.tracer.origin(message);
      if (!origin) return;
      this.add(exception, 'pii-error-message', 'error-message', `The exception recorded is built from ${origin.via}, which is ${CATEGORY_LABELS[origin.match.category]}: its message and stack are exported. Record its class (error.type) or a code instead.`, `exception<-${origin.via}`);
      return;
    }
    if (this.isCaught(exception)) {
      this.add(exception, 'pii-error-message', 'error-message', 'recordException exports the error\'s message and stack, which often embed user data (`User jane@example.com not found`): set error.type to its class, or record it only where messages are known to be free of user data.', 'exception<-caught');
    }
  }

  /** `new Error(...)` that the expression is, or that the const it names holds. */
  private constructionOf(expression: ts.Expression): ts.NewExpression | undefined {
    const node = unwrapExpression(expression);
    if (ts.isNewExpression(node)) return node;
    if (!ts.isIdentifier(node)) return undefined;
    const declaration = this.checker.getSymbolAtLocation(node)?.valueDeclaration;
    const init = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? unwrapExpression(declaration.initializer) : undefined;
    return init && ts.isNewExpression(init) ? init : undefined;
  }

  /** A `catch (err)` binding or a rejection handler's parameter: an error thrown by code that may have put anything in it. */
  private isCaught(expression: ts.Expression, depth = 0): boolean {
    const node = unwrapExpression(expression);
    if (!ts.isIdentifier(node)) return false;
    const declaration = this.checker.getSymbolAtLocation(node)?.valueDeclaration;
    // `const e = err as TransferHeld`: the caught error under another name.
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && depth < 4 && !ts.isCatchClause(declaration.parent)) {
      const made = this.constructionOf(declaration.initializer);
      if (made) return false;
      return this.isCaught(declaration.initializer, depth + 1);
    }
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.parent && ts.isCatchClause(declaration.parent)) return true;
    if (declaration && ts.isParameter(declaration)) return true;
    // Untyped plain JavaScript: a name that reads as an error.
    return !declaration && /^(e|err|error|ex|exception|cause|reason)$/i.test(node.text);
  }

  private classifyKeyText(key: string): PiiMatch | undefined {
    if (this.policy.allow.some((r) => r.test(key))) return undefined;
    if (this.policy.deny.some((r) => r.test(key)) || this.policy.patterns.some((r) => r.test(key))) {
      return { category: 'user-content', evidence: key };
    }
    return classifyKey(key);
  }

  private keyText(node: ts.Node): string | undefined {
    return keyTextOf(this.checker, node);
  }

  private report(node: ts.Node, ruleId: RuleId, match: PiiMatch, what: string, subject: string): void {
    this.add(node, ruleId, match.category, `${capitalize(what)} (personal data): ${ADVICE[match.category]}.`, subject);
  }

  /** Records a finding unless a reasoned `otelify-ignore-next-line pii: ...` (or `baggage: ...`) comment stands above it. */
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
      severity: SEVERITY[ruleId],
      category,
      message,
      subject,
    };
    const word = IGNORE_WORD[ruleId];
    const above = this.lineText(start.line - 1);
    if (new RegExp(`otelify-ignore-next-line\\s+${word}\\s*:\\s*\\S`).test(above)) return;
    if (new RegExp(`otelify-ignore-next-line\\s+${word}\\b(?!\\s*:\\s*\\S)`).test(above)) finding.message += ` (an otelify-ignore-next-line comment needs a reason: \`// otelify-ignore-next-line ${word}: <why>\`)`;
    this.findings.push(finding);
  }

  private lineText(line: number): string {
    const starts = this.file.getLineStarts();
    if (line < 0) return '';
    return this.file.text.slice(starts[line] ?? 0, starts[line + 1] ?? this.file.text.length);
  }
}

/** The method of `@opentelemetry/api` this call is (`setAttribute`, `startSpan`, ...), or undefined. */
function telemetryWrite(checker: ts.TypeChecker, call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const types = WRITES[method];
  if (!types) return undefined;
  let resolution = resolveMethodCall(checker, call, callee.expression, API, types);
  if (resolution === 'unknown') resolution = isFromModules(importOrigin(checker, callee.expression), API) ? 'match' : 'no-match';
  return resolution === 'match' ? method : undefined;
}

/**
 * The key as text: a literal, a template (its static parts, `*` for each substitution), a const or enum
 * member, a semconv constant.
 */
function keyTextOf(checker: ts.TypeChecker, node: ts.Node): string | undefined {
  // A property name is its own text; an identifier anywhere else is a variable holding the key.
  const isPropertyName = !!node.parent && (ts.isPropertyAssignment(node.parent) || ts.isShorthandPropertyAssignment(node.parent)) && node.parent.name === node;
  if (isPropertyName && (ts.isIdentifier(node) || ts.isPrivateIdentifier(node))) return node.text;
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return node.text;
  if (ts.isComputedPropertyName(node)) return keyTextOf(checker, node.expression);
  if (!ts.isExpression(node)) return undefined;
  const expression = unwrapExpression(node);
  if (ts.isTemplateExpression(expression)) {
    return [expression.head.text, ...expression.templateSpans.map((s) => `*${s.literal.text}`)].join('');
  }
  return constantString(checker, expression);
}

/** What a project's own telemetry writes as span and span event attributes, found by {@link findWrittenKeys}. */
export interface WrittenKeys {
  /** Keys known as text: literals, constants, semconv constants, the fields of a typed object spread in. */
  keys: Set<string>;
  /** Writes whose key is not known before run time (a template, a variable, an untyped spread). */
  unknown: { file: string; line: number; key?: string }[];
}

/** The attributes the SDK's `recordException` puts on the `exception` event it adds. */
const RECORD_EXCEPTION_KEYS = ['exception.message', 'exception.stacktrace', 'exception.type'];

/**
 * Every attribute key the project's own calls of `@opentelemetry/api` write on spans and span events:
 * `setAttribute`, `setAttributes`, `startSpan`/`startActiveSpan` attributes, `addEvent` attributes, and the
 * SDK's keys for `recordException`. The calls are resolved as the check resolves them.
 */
export function findWrittenKeys(sources: SourceInput[], options: { compilerOptions: ts.CompilerOptions }): WrittenKeys {
  const written: WrittenKeys = { keys: new Set(), unknown: [] };
  const relevant = sources.filter((source) => mayWriteTelemetry(source.text));
  if (relevant.length === 0) return written;
  const program = createProgram(relevant, options.compilerOptions);
  const checker = program.getTypeChecker();
  for (const source of relevant) {
    const file = program.getSourceFile(source.path);
    if (!file || parseErrorOf(file)) continue;
    const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    const addKey = (node: ts.Node) => {
      const key = keyTextOf(checker, node);
      if (key !== undefined && !key.includes('*')) written.keys.add(key);
      else written.unknown.push({ file: source.path, line: lineOf(node), ...(key !== undefined ? { key } : {}) });
    };
    const addObject = (expression: ts.Expression | undefined) => {
      if (!expression) return;
      const literal = objectLiteralOf(checker, expression);
      if (!literal) return addFieldsOf(expression);
      for (const property of literal.properties) {
        if (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) addKey(property.name);
        else if (ts.isSpreadAssignment(property)) addFieldsOf(property.expression);
      }
    };
    // `{ ...attributes }`, `setAttributes(common)`: the fields its type declares, unless the type says nothing.
    const addFieldsOf = (expression: ts.Expression) => {
      const type = checker.getTypeAtLocation(expression);
      const known = !(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) && !type.getStringIndexType() && type.getProperties().length > 0;
      if (!known) return void written.unknown.push({ file: source.path, line: lineOf(expression) });
      for (const property of type.getProperties()) written.keys.add(property.getName());
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const [first, second] = node.arguments;
        switch (telemetryWrite(checker, node)) {
          case 'setAttribute':
            if (first) addKey(first);
            break;
          case 'setAttributes':
            addObject(first);
            break;
          case 'startSpan':
          case 'startActiveSpan':
            if (second && !isFunction(second)) addObject(propertyValue(checker, second, 'attributes'));
            break;
          case 'addEvent':
            if (second && !isTimeInput(checker, second)) addObject(second);
            break;
          case 'recordException':
            for (const key of RECORD_EXCEPTION_KEYS) written.keys.add(key);
            break;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return written;
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
