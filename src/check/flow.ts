// Where a value written to telemetry comes from. A name often says nothing (`v`, `data`, `args[0]`); the data's
// source does: a request's body, a queue message's payload, `process.argv`, a CSV row, an input field. This
// follows a value back through variables, destructuring, parameters (to the arguments callers pass),
// helpers' return values, templates, concatenation, serialisation and `map`/`join`, across the modules of
// the program, and classifies each place it reaches by its name and by its source.
import { ts } from '../engine/typescript.cjs';
import { unwrapExpression, valueDeclarationOf } from '../engine/resolve.js';
import { classifyPath, isDerivedKey, type PiiMatch } from './pii.js';

/** How deep a value is followed: assignments, parameters and returns each count one step. */
const MAX_DEPTH = 6;

/**
 * Fields of user-supplied records that are, by convention, not personal: ids, paging, sorting, enums,
 * amounts. A field of a request or message payload that is not one of these is treated as user data.
 */
const SAFE_FIELD = /^(id|ids|sub|cmd|command|subcommand|op|operation|error|error_?code|.*(Id|_id|Ids|_ids)|uuid|page|pages|per_?page|page_?size|limit|offset|cursor|sort|sort_?by|order|order_?by|dir|direction|status|state|type|kind|format|lang|language|locale|version|currency|amount|total|count|quantity|qty|size|price|sku|plan|tier|region|country|country_?code|mode|action|event|event_?type|source|channel|topic|priority|flag|enabled|active|method|timestamp|ts|created_?at|updated_?at|date|duration|ms|retries|attempt|attempts|temperature|unit|units|model|stream|max_?tokens|level)$/i;

/** A name that holds no personal data by convention (`id`, `orderId`, `page`, `status`) or names a reduction (`count`). */
export function isSafeName(name: string): boolean {
  return SAFE_FIELD.test(name) || isDerivedKey(name);
}

/** Headers that carry nothing about the person (content negotiation, tracing). */
const SAFE_HEADER = /^(content-type|content-length|accept|accept-encoding|accept-language|cache-control|connection|host|x-request-id|x-correlation-id|traceparent|tracestate|baggage|idempotency-key|if-none-match|etag)$/i;

const REQUEST_ROOT = /^(req|request|ctx|ctx\.request|ctx\.req|c\.req|event|incoming|httpRequest)$/;
/** Parts of an HTTP request that users write, whole. */
const REQUEST_PARTS = /^(body|rawBody|query|params|headers|rawHeaders|cookies|signedCookies|querystring|search|url|originalUrl|href|path|ip|ips|files|file|form|payload)$/;
/** Request methods that return user-supplied data: `req.get('authorization')`, `c.req.query('q')`, `await req.json()`. */
const REQUEST_READERS = /^(get|header|query|param|queries|json|text|formData|arrayBuffer|blob|cookie|cookies|valid)$/;
/** Properties that hold a message's payload in the queue clients: amqplib `content`, BullMQ `data`, Kafka `value`/`key`, SQS `Body`, NATS `data`. */
const PAYLOAD_PARTS = /^(content|data|value|key|Body|body|payload|json|string)$/;
const MESSAGE_ROOT = /^(msg|message|m|job|record|delivery|envelope|evt|entry|kafkaMessage|sqsMessage|natsMsg)$/;
/** A message's routing and delivery metadata: where it went, not what it says. */
const MESSAGE_METADATA = /^(subject|topic|partition|offset|routingKey|exchange|queue|queueName|replyTo|deliveryTag|redelivered|messageId|correlationId|sid|seq|timestamp|attemptsMade|name|opts|fields|properties)$/;

export interface Origin {
  match: PiiMatch;
  /** How the value got there, for the message: `req.body`, `process.argv`. Never a value. */
  via: string;
  /**
   * A record that holds personal data among other fields (a database row, an ORM entity): personal as a
   * whole (serialised, spread), while each field is judged by its own name.
   */
  wholeOnly?: boolean;
  /** Data a client or a producer sent (an HTTP request's parts, a queue message's payload): its size is theirs to choose. */
  from?: 'request' | 'message';
}

/** A value's origin, when it is personal data; undefined when nothing it comes from is. */
export class ValueTracer {

  constructor(
    private readonly checker: ts.TypeChecker,
    /** Every file a caller may be in (the program's own, and the other files of the project at hand). */
    private readonly files: () => readonly ts.SourceFile[],
  ) {}

  origin(expression: ts.Expression, depth = 0, seen = new Set<ts.Node>()): Origin | undefined {
    if (depth > MAX_DEPTH) return undefined;
    for (const part of flowParts(expression)) {
      if (seen.has(part)) continue;
      seen.add(part);
      const found = this.originOfPart(part, depth, seen);
      if (found) return found;
    }
    return undefined;
  }

  private originOfPart(node: ts.Expression, depth: number, seen: Set<ts.Node>): Origin | undefined {
    // A value reached on the way is personal when its own name says so (`input.emails`, `r.firstName`).
    if (depth > 0) {
      const named = nameOrigin(node);
      // Named for what it holds (`req.body`, `msg.content`), and still what a client or producer sent.
      if (named) return { ...named, from: sourceOf(node)?.from };
    }
    if (this.isScalar(node)) return undefined;
    const source = sourceOf(node);
    if (source) return source;
    if (ts.isCallExpression(node)) return this.returnOrigin(node, depth, seen) ?? this.typeOrigin(node);
    // `new URL(req.url)`, `new URLSearchParams(body)`: the data they are made of.
    if (ts.isNewExpression(node) && /^(URL|URLSearchParams|String|Buffer|Blob|File)$/.test(node.expression.getText())) {
      return node.arguments?.[0] ? this.origin(node.arguments[0], depth + 1, seen) : undefined;
    }
    if (ts.isIdentifier(node)) return this.identifierOrigin(node, depth, seen);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return this.fieldOrigin(node, depth, seen) ?? this.inputValueOrigin(node) ?? this.typeOrigin(node);
    if (ts.isAwaitExpression(node)) return this.origin(node.expression, depth, seen);
    return undefined;
  }

  /** `box.value` of an element the page looked up (`document.querySelector('#q')`): what the user typed. */
  private inputValueOrigin(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): Origin | undefined {
    if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'value') return undefined;
    const owner = unwrapExpression(node.expression);
    const declaration = ts.isIdentifier(owner) ? this.declarationOf(owner) : undefined;
    const init = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? unwrapExpression(declaration.initializer) : owner;
    const lookup = /\b(document|form|\w+Form|root|container)\.(querySelector|getElementById|getElementsByName|elements|namedItem)\b|\.(target|currentTarget)$/;
    return lookup.test(init.getText()) ? { match: { category: 'user-content', evidence: 'input value' }, via: `${owner.getText()}.value` } : undefined;
  }

  /** A boolean (a flag about the data, never the data) by its type. */
  private isScalar(node: ts.Expression): boolean {
    const type = this.checker.getTypeAtLocation(node);
    const members = type.isUnion() ? type.types : [type];
    return members.every((t) => (t.flags & (ts.TypeFlags.BooleanLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) !== 0) && members.some((t) => t.flags & ts.TypeFlags.BooleanLike);
  }

  /**
   * A record whose type names personal fields (`JSON.stringify(customer)`, `after[field]` over a Contact):
   * the value holds them, whatever it is called.
   */
  private typeOrigin(node: ts.Expression): Origin | undefined {
    let type = this.checker.getNonNullableType(this.checker.getTypeAtLocation(node));
    if (this.readingRecord > 0) return undefined;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.EnumLike)) return undefined;
    const element = this.checker.getIndexTypeOfType(type, ts.IndexKind.Number);
    if (element && this.checker.isArrayLikeType(type)) type = this.checker.getNonNullableType(element);
    for (const property of type.getProperties()) {
      const match = classifyPath(property.getName());
      if (match) return { match, via: `a ${this.checker.typeToString(type)} (its '${property.getName()}')` };
    }
    return undefined;
  }

  /** `x.field`: personal when the object it is read from is a user-supplied record and the field is not a safe one. */
  private fieldOrigin(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number, seen: Set<ts.Node>): Origin | undefined {
    const field = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
    if (field !== undefined && (SAFE_FIELD.test(field) || isDerivedKey(field))) return undefined;
    const owner = unwrapExpression(node.expression);
    if (field !== undefined && MESSAGE_METADATA.test(field) && ts.isIdentifier(owner) && MESSAGE_ROOT.test(owner.text)) return undefined;
    // `record[key]` with a computed key: any field of the record, so personal when the record has such fields.
    if (field === undefined && ts.isElementAccessExpression(node) && !ts.isNumericLiteral(node.argumentExpression)) {
      const typed = this.typeOrigin(owner);
      if (typed) return typed;
    }
    // `cols[2]` of a split line, `args[0]` of argv: an element of a list of user data.
    const record = this.recordOrigin(owner, depth + 1, seen);
    if (!record) return undefined;
    // A row's element (`rows[0]`) is a row; a row's field is what its name says.
    if (record.wholeOnly) return field === undefined ? record : undefined;
    return field !== undefined ? { match: { category: record.match.category, evidence: field }, via: `${record.via}.${field}`, from: record.from } : record;
  }

  /**
   * The origin of an object or list whose fields are user data: a source (a request, a payload), not a
   * record that merely has personal fields among others (a Customer's `city` is not its email).
   */
  private recordOrigin(owner: ts.Expression, depth: number, seen: Set<ts.Node>): Origin | undefined {
    const source = sourceOf(owner);
    if (source) return source;
    if (!(ts.isIdentifier(owner) || ts.isCallExpression(owner) || ts.isAwaitExpression(owner) || ts.isPropertyAccessExpression(owner) || ts.isElementAccessExpression(owner))) return undefined;
    this.readingRecord++;
    try {
      return this.originOfPart(owner, depth, new Set(seen));
    } finally {
      this.readingRecord--;
    }
  }

  /** While above zero, a field's owner is being followed: the type rule (a record with personal fields) does not apply. */
  private readingRecord = 0;

  private identifierOrigin(node: ts.Identifier, depth: number, seen: Set<ts.Node>): Origin | undefined {
    // A variable named for what it holds (`cmd`, `status`, `orderId`) holds that, not the person's data.
    if (SAFE_FIELD.test(node.text) || isDerivedKey(node.text)) return undefined;
    const declaration = this.declarationOf(node);
    if (!declaration) return undefined;
    if (ts.isVariableDeclaration(declaration)) {
      // `for (const row of rows)`: an element of what is iterated.
      const loop = declaration.parent?.parent;
      if (loop && (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) && loop.initializer === declaration.parent) {
        return ts.isForOfStatement(loop) ? this.origin(loop.expression, depth + 1, seen) : undefined;
      }
      const found = declaration.initializer ? this.origin(declaration.initializer, depth + 1, seen) : undefined;
      return found ?? this.assignedOrigin(node, declaration, depth, seen) ?? this.typeOrigin(node);
    }
    if (ts.isBindingElement(declaration)) return this.bindingOrigin(declaration, depth, seen);
    if (ts.isParameter(declaration)) return this.parameterOrigin(declaration, depth, seen);
    return undefined;
  }

  /** `let v; v = req.body.x`: the values assigned to a `let` in its scope. */
  private assignedOrigin(node: ts.Identifier, declaration: ts.VariableDeclaration, depth: number, seen: Set<ts.Node>): Origin | undefined {
    if (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) return undefined;
    let found: Origin | undefined;
    const scope = declaration.parent.parent.parent ?? node.getSourceFile();
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && n.left.text === node.text) {
        found = this.origin(n.right, depth + 1, seen);
      }
      ts.forEachChild(n, visit);
    };
    visit(scope);
    return found;
  }

  /** `const { email: buyer } = req.body`, `const [, , target] = process.argv`. */
  private bindingOrigin(element: ts.BindingElement, depth: number, seen: Set<ts.Node>): Origin | undefined {
    const pattern = element.parent;
    const holder = pattern.parent;
    const field = ts.isObjectBindingPattern(pattern) ? propertyNameOf(element) : undefined;
    if (field !== undefined) {
      const byName = classifyPath(field);
      if (byName) return { match: byName, via: field };
      if (SAFE_FIELD.test(field) || isDerivedKey(field)) return undefined;
    }
    if (element.dotDotDotToken && ts.isObjectBindingPattern(pattern)) return undefined;
    let owner: ts.Expression | undefined;
    if (ts.isVariableDeclaration(holder)) owner = holder.initializer;
    else if (ts.isParameter(holder)) return this.parameterOrigin(holder, depth, seen);
    else if (ts.isBindingElement(holder)) return this.bindingOrigin(holder, depth + 1, seen);
    if (!owner) return undefined;
    const record = this.recordOrigin(unwrapExpression(owner), depth + 1, seen);
    if (!record) return undefined;
    return field !== undefined ? { match: { category: record.match.category, evidence: field }, via: `${record.via}.${field}`, from: record.from } : record;
  }

  /**
   * A parameter: personal when its name says so, when it is the request or message of a handler, or when a
   * caller in the project passes personal data in its place.
   */
  private parameterOrigin(parameter: ts.ParameterDeclaration, depth: number, seen: Set<ts.Node>): Origin | undefined {
    const fn = parameter.parent;
    if (!ts.isFunctionLike(fn)) return undefined;
    const index = fn.parameters.indexOf(parameter as ts.ParameterDeclaration & never);
    if (index < 0) return undefined;
    // A readline `line` handler, a CSV row callback: each call gets a line of the file.
    const registration = fn.parent && ts.isCallExpression(fn.parent) ? fn.parent : undefined;
    if (registration && ts.isPropertyAccessExpression(registration.expression) && registration.expression.name.text === 'on') {
      const event = registration.arguments[0];
      if (event && ts.isStringLiteralLike(event) && /^(line|data|row|record|message)$/.test(event.text)) {
        return { match: { category: 'user-content', evidence: event.text }, via: `'${event.text}' event` };
      }
    }
    // `list.map((item) => ...)`, `forEach`, `filter`: the parameter is an element of the list.
    if (registration && ts.isPropertyAccessExpression(registration.expression) && /^(map|flatMap|forEach|filter|find|some|every|reduce)$/.test(registration.expression.name.text) && index === (registration.expression.name.text === 'reduce' ? 1 : 0)) {
      return this.origin(registration.expression.expression, depth + 1, seen) ?? nameOrigin(registration.expression.expression);
    }
    const name = functionNameOf(fn);
    if (!name || depth >= MAX_DEPTH) return this.typeOrigin(parameter.name as ts.Identifier);
    for (const call of this.callsTo(name, fn)) {
      const argument = call.arguments[index];
      if (!argument) continue;
      const found = this.origin(argument, depth + 1, seen) ?? nameOrigin(argument);
      if (found) return found;
    }
    return ts.isIdentifier(parameter.name) ? this.typeOrigin(parameter.name) : undefined;
  }

  /** `helper(x)`: what the helper returns, where its declaration is in the program. */
  private returnOrigin(call: ts.CallExpression, depth: number, seen: Set<ts.Node>): Origin | undefined {
    const callee = unwrapExpression(call.expression);
    // `JSON.parse(msg.content.toString())`, `Object.values(row)`, `Array.from(list)`: the data passes through.
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    if (/^(parse|values|from|entries|assign|fromEntries|structuredClone|decodeURIComponent|decodeURI|format|join|concat|flat|trim|toLowerCase|toUpperCase|toString|normalize|replace|split|slice|substring)$/.test(name)) {
      const target = ts.isPropertyAccessExpression(callee) && !/^(JSON|Object|Array|Buffer|String)$/.test(callee.expression.getText()) ? callee.expression : call.arguments[0];
      if (target) return this.origin(target, depth + 1, seen);
    }
    const declaration = this.declarationOf(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
    const fn = declaration && functionOf(declaration);
    if (!fn || !fn.body) return undefined;
    if (ts.isExpression(fn.body)) return this.origin(fn.body, depth + 1, seen);
    let found: Origin | undefined;
    const visit = (n: ts.Node): void => {
      if (found || (ts.isFunctionLike(n) && n !== fn)) return;
      if (ts.isReturnStatement(n) && n.expression) found = this.origin(n.expression, depth + 1, seen) ?? nameOrigin(n.expression);
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
    return found;
  }

  private declarationOf(node: ts.Node): ts.Declaration | undefined {
    const declaration = valueDeclarationOf(this.checker, node);
    if (declaration) return declaration;
    return ts.isIdentifier(node) ? syntacticDeclaration(node) : undefined;
  }

  /** Calls of a function by its name, in every file at hand (the checker confirms where it can). */
  private callsTo(name: string, fn: ts.SignatureDeclaration): ts.CallExpression[] {
    const calls: ts.CallExpression[] = [];
    for (const file of this.files()) {
      if (!file.text.includes(name)) continue;
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) {
          const callee = unwrapExpression(n.expression);
          const called = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
          if (called?.text === name) {
            const declaration = valueDeclarationOf(this.checker, called);
            if (!declaration || functionOf(declaration) === fn) calls.push(n);
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(file);
    }
    return calls;
  }
}

/** The name of a function declared by name or assigned to a name (`const f = () => ...`, `f() {}`). */
function functionNameOf(fn: ts.SignatureDeclaration): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

/** The function a declaration names: itself, or the arrow/function a variable holds. */
function functionOf(declaration: ts.Declaration): ts.FunctionLikeDeclaration | undefined {
  if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration) || ts.isArrowFunction(declaration) || ts.isFunctionExpression(declaration)) return declaration;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const init = unwrapExpression(declaration.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

function propertyNameOf(element: ts.BindingElement): string | undefined {
  const name = element.propertyName ?? element.name;
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name)) return name.text;
  return undefined;
}

/** Without a checker's symbol (plain JavaScript the program did not bind): the nearest declaration of the name in scope. */
function syntacticDeclaration(node: ts.Identifier): ts.Declaration | undefined {
  for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      for (const parameter of scope.parameters) {
        if (ts.isIdentifier(parameter.name) && parameter.name.text === node.text) return parameter;
        const element = findBinding(parameter.name, node.text);
        if (element) return element;
      }
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === node.text) return declaration;
          const element = findBinding(declaration.name, node.text);
          if (element) return element;
        }
      }
    }
  }
  return undefined;
}

function findBinding(name: ts.BindingName, text: string): ts.BindingElement | undefined {
  if (ts.isIdentifier(name)) return undefined;
  for (const element of name.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name) && element.name.text === text) return element;
    const nested = findBinding(element.name, text);
    if (nested) return nested;
  }
  return undefined;
}

/** `msg.subject`, `message.topic`: where a message went, which its own name does not make personal. */
export function isMessageMetadata(node: ts.Expression): boolean {
  const plain = unwrapExpression(node);
  return ts.isPropertyAccessExpression(plain) && MESSAGE_METADATA.test(plain.name.text) && ts.isIdentifier(plain.expression) && MESSAGE_ROOT.test(plain.expression.text);
}

/** A value's own name, as `classifyPath` reads it (`user.email`, `displayName`), as an origin. */
export function nameOrigin(expression: ts.Expression): Origin | undefined {
  for (const part of flowParts(expression)) {
    if (isMessageMetadata(part)) continue;
    const path = referencePath(part);
    const match = path !== undefined ? classifyPath(path) : undefined;
    if (match) return { match, via: path! };
  }
  return undefined;
}

/**
 * The parts of a value that carry data into it: template and concatenation parts, both sides of `??`/`||`
 * and of a conditional, array elements and spreads, object literal values, the callback result of
 * `map`/`flatMap`, and what serialising, string and list methods pass through. Counting, hashing and
 * testing calls (`length`, `hash(x)`, `includes`) carry none.
 */
export function flowParts(expression: ts.Expression): ts.Expression[] {
  const node = unwrapExpression(expression);
  if (ts.isTemplateExpression(node)) return node.templateSpans.flatMap((span) => flowParts(span.expression));
  if (ts.isBinaryExpression(node)) {
    const kind = node.operatorToken.kind;
    if (kind === ts.SyntaxKind.PlusToken || kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken) return [...flowParts(node.left), ...flowParts(node.right)];
    if (kind === ts.SyntaxKind.AmpersandAmpersandToken) return flowParts(node.right);
    return [];
  }
  if (ts.isConditionalExpression(node)) return [...flowParts(node.whenTrue), ...flowParts(node.whenFalse)];
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((e) => (ts.isSpreadElement(e) ? flowParts(e.expression) : ts.isOmittedExpression(e) ? [] : flowParts(e)));
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? flowParts(p.initializer) : ts.isShorthandPropertyAssignment(p) ? [p.name] : ts.isSpreadAssignment(p) ? flowParts(p.expression) : []));
  }
  if (ts.isAwaitExpression(node)) return flowParts(node.expression);
  if (ts.isCallExpression(node)) {
    const callee = unwrapExpression(node.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
    if (ts.isIdentifier(callee) && /^(String|encodeURIComponent|encodeURI|escape)$/.test(name)) return node.arguments.slice(0, 1).flatMap(flowParts);
    if (receiver && receiver.getText() === 'JSON' && name === 'stringify') return node.arguments.slice(0, 1).flatMap(flowParts);
    if (receiver && /^(Buffer|Array|Object)$/.test(receiver.getText()) && /^(from|values|entries|assign)$/.test(name)) return node.arguments.flatMap(flowParts);
    if (receiver && /^(map|flatMap)$/.test(name)) {
      const callback = node.arguments[0] && unwrapExpression(node.arguments[0]);
      if (callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
        if (ts.isExpression(callback.body)) return flowParts(callback.body);
        const returned: ts.Expression[] = [];
        const visit = (n: ts.Node): void => {
          if (ts.isFunctionLike(n)) return;
          if (ts.isReturnStatement(n) && n.expression) returned.push(...flowParts(n.expression));
          ts.forEachChild(n, visit);
        };
        ts.forEachChild(callback.body, visit);
        return returned;
      }
      return flowParts(receiver);
    }
    if (receiver && /^(find|findLast|join|toString|trim|trimStart|trimEnd|toLowerCase|toUpperCase|slice|substring|substr|padEnd|padStart|normalize|concat|filter|sort|reverse|flat|at|replace|replaceAll|split)$/.test(name)) {
      return [...flowParts(receiver), ...(name === 'concat' ? node.arguments.flatMap(flowParts) : [])];
    }
    // Counting, hashing, testing: the result says something about the data without being it.
    if (/^(length|size|count|hash|createHash|digest|sha\w*|md5|includes|test|has|startsWith|endsWith|indexOf|some|every|isValid\w*|validate\w*|parseInt|parseFloat|Number|Boolean|round|floor|ceil|min|max|now|getTime|toFixed|byteLength)$/i.test(name)) return [];
    return [node];
  }
  if (ts.isPrefixUnaryExpression(node) || ts.isTypeOfExpression(node) || ts.isVoidExpression(node)) return [];
  if (ts.isPropertyAccessExpression(node) && /^(length|size|byteLength)$/.test(node.name.text)) return [];
  return [node];
}

/** `order.customer.email` → 'order.customer.email'; anything else (calls, literals) → undefined. */
export function referencePath(node: ts.Expression): string | undefined {
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

/** The text of an access path with element indexes kept (`process.argv[2]` → `process.argv`). */
function accessPath(node: ts.Expression): string | undefined {
  const plain = unwrapExpression(node);
  if (ts.isIdentifier(plain)) return plain.text;
  if (ts.isPropertyAccessExpression(plain)) {
    const left = accessPath(plain.expression);
    return left === undefined ? undefined : `${left}.${plain.name.text}`;
  }
  if (ts.isElementAccessExpression(plain)) return accessPath(plain.expression);
  if (ts.isNonNullExpression(plain)) return accessPath(plain.expression);
  return undefined;
}

const DOM_SOURCES = /^(window\.|globalThis\.|self\.)?(document\.(cookie|URL|referrer|location\.\w+)|location\.(href|search|hash|pathname))$/;

/**
 * A known source of user data, by the shape of the expression: request parts and readers, `process.argv`,
 * queue message payloads, the browser's URL, cookies and input values.
 */
export function sourceOf(node: ts.Expression): Origin | undefined {
  const plain = unwrapExpression(node);
  const path = accessPath(plain);
  if (path !== undefined) {
    if (/^process\.argv$/.test(path)) return { match: { category: 'user-content', evidence: 'process.argv' }, via: 'process.argv' };
    if (DOM_SOURCES.test(path)) {
      const category = /cookie/.test(path) ? 'credential' : 'user-content';
      return { match: { category, evidence: path }, via: path };
    }
    const segments = path.split('.');
    for (let i = 1; i < segments.length; i++) {
      const root = segments.slice(0, i).join('.');
      const part = segments[i]!;
      if (REQUEST_ROOT.test(root) && REQUEST_PARTS.test(part)) {
        const rest = segments.slice(i + 1);
        const field = rest[rest.length - 1];
        // A `code` a user sends is an authorization or verification code, not a status code.
        if (field !== undefined && /^(code|otp|pin)$/i.test(field)) return { match: { category: 'credential', evidence: field }, via: [root, part, ...rest].join('.'), from: 'request' };
        if (field !== undefined && (SAFE_FIELD.test(field) || isDerivedKey(field) || (part === 'headers' && SAFE_HEADER.test(field)))) return undefined;
        const category = part === 'ip' || part === 'ips' ? 'ip-address' : part === 'cookies' || part === 'signedCookies' ? 'credential' : part === 'body' || part === 'rawBody' ? 'body' : 'user-content';
        return { match: { category, evidence: [root, part].join('.') }, via: [root, part, ...rest].join('.'), from: 'request' };
      }
      if (MESSAGE_ROOT.test(segments[i - 1]!) && PAYLOAD_PARTS.test(part) && i === segments.length - 1) {
        return { match: { category: 'body', evidence: `${segments[i - 1]}.${part}` }, via: path, from: 'message' };
      }
    }
    // `socket.remoteAddress`, `req.socket.remoteAddress`: the peer's address.
    if (/(^|\.)(remoteAddress|x-forwarded-for|xForwardedFor)$/.test(path)) return { match: { category: 'ip-address', evidence: 'remoteAddress' }, via: path, from: 'request' };
    // An input element's value (`input.value`, `event.target.value`, `form.email.value`).
    if (/(^|\.)(target|currentTarget|input|field|el|element|textarea|searchBox|\w*Input|\w*Field)\.value$/.test(path)) return { match: { category: 'user-content', evidence: 'input value' }, via: path };
  }
  // Rows and entities a database returns: `result.rows`, `prisma.user.findUnique(...)`, `repo.findOneBy(...)`.
  if (path !== undefined && /(^|\.)rows$/.test(path)) return { match: { category: 'body', evidence: 'database rows' }, via: path, wholeOnly: true };
  if (ts.isCallExpression(plain) && ts.isPropertyAccessExpression(plain.expression) && /^(find(One|First|Unique|Many|All|ByPk|ById|OneBy|OneOrFail|UniqueOrThrow|FirstOrThrow)?|query|queryRaw|\$queryRaw|one|oneOrNone|many|any|manyOrNone)$/.test(plain.expression.name.text)) {
    const owner = plain.expression.expression.getText();
    if (/^(db|pool|client|sql|knex|prisma(\.\w+)?|this\.(db|pool|prisma(\.\w+)?|repo\w*|\w+Repository)|repo\w*|\w+Repository|\w+Model|tx|trx|conn|connection)$/.test(owner)) {
      return { match: { category: 'body', evidence: 'database rows' }, via: `${owner}.${plain.expression.name.text}()`, wholeOnly: true };
    }
  }
  if (ts.isCallExpression(plain) && ts.isIdentifier(plain.expression) && /^(readFileSync|readFile|createReadStream|createInterface)$/.test(plain.expression.text)) {
    return { match: { category: 'user-content', evidence: 'file contents' }, via: `${plain.expression.text}()` };
  }
  if (ts.isCallExpression(plain) && ts.isPropertyAccessExpression(plain.expression)) {
    const method = plain.expression.name.text;
    const owner = accessPath(plain.expression.expression);
    if (owner !== undefined && REQUEST_READERS.test(method)) {
      const ownerRoot = owner.split('.');
      const isRequest = REQUEST_ROOT.test(owner) || (ownerRoot.length > 1 && REQUEST_PARTS.test(ownerRoot[ownerRoot.length - 1]!) && REQUEST_ROOT.test(ownerRoot.slice(0, -1).join('.'))) || /(^|\.)(searchParams|headers|cookies|nextUrl\.searchParams)$/.test(owner);
      if (isRequest) {
        const argument = plain.arguments[0];
        const field = argument && ts.isStringLiteralLike(argument) ? argument.text : undefined;
        if (field !== undefined && (SAFE_FIELD.test(field) || SAFE_HEADER.test(field) || isDerivedKey(field))) return undefined;
        const category = field && /authorization|cookie|token|key|secret/i.test(field) ? 'credential' : field && /forwarded|real-ip|client-ip/i.test(field) ? 'ip-address' : 'user-content';
        return { match: { category, evidence: field ?? method }, via: `${owner}.${method}(${field ? `'${field}'` : ''})`, from: 'request' };
      }
    }
    // NATS `msg.json()`/`msg.string()`: the payload.
    if (owner !== undefined && /^(json|string)$/.test(method) && MESSAGE_ROOT.test(owner.split('.').pop() ?? '')) return { match: { category: 'body', evidence: `${owner}.${method}()` }, via: `${owner}.${method}()`, from: 'message' };
    // A file's contents, read whole or line by line: the data it holds (a CSV export, an upload).
    if (/^(readFileSync|readFile|createReadStream|createInterface|readLines|lines)$/.test(method) && owner !== undefined && /(^|\.)(fs|promises|fsp|readline|rl|file|handle)$/.test(owner)) {
      return { match: { category: 'user-content', evidence: 'file contents' }, via: `${owner}.${method}()` };
    }
    // A line split into fields: each field is the file's data.
    if (method === 'split' && owner !== undefined && /(^|\.)(line|row|raw|rawLine|record|csv|text|contents?)$/i.test(owner)) return { match: { category: 'user-content', evidence: owner }, via: `${owner}.split()` };
  }
  return undefined;
}

/** `String(err)`, `err.toString()`, `${err}`: an error's text (message included). */
export function isErrorText(checker: ts.TypeChecker, node: ts.Expression): boolean {
  const plain = unwrapExpression(node);
  if (!ts.isIdentifier(plain)) return false;
  const type = checker.getTypeAtLocation(plain);
  const name = type.getSymbol()?.getName() ?? '';
  if (/Error$|Exception$/.test(name)) return true;
  const declaration = checker.getSymbolAtLocation(plain)?.valueDeclaration;
  const caught = !!declaration && ts.isVariableDeclaration(declaration) && !!declaration.parent && ts.isCatchClause(declaration.parent);
  return caught || (!!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) && /^(e|err|error|ex|exception|cause)$/i.test(plain.text));
}

/** `err.message` / `error.stack` of an Error (or an untyped `err`/`error`/`e`). */
export function isErrorMessage(checker: ts.TypeChecker, node: ts.Expression): boolean {
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

