import { basename } from 'node:path';
import { ts } from './typescript.cjs';
import type { FileContext } from './context.js';
import { importOrigin, isFromModules, isInModules, objectLiteralOf, findProperty, unwrapExpression, valueDeclarationOf } from './resolve.js';

// Tracing the user wrote by hand around a queue call site: their own PRODUCER/CONSUMER span, or their own
// propagation.inject into the message / propagation.extract in the handler. A second span (and a second
// inject) from otelify would double what they made.

const OTEL_API = ['@opentelemetry/api'];

/** `SpanKind`'s values (the API's enum is numeric; `kind: 3` is written too). */
const SPAN_KINDS = { PRODUCER: 3, CONSUMER: 4 } as const;
type OwnKind = keyof typeof SPAN_KINDS;

/** The user's own tracing of a call site: why it counts, and whether it carries the context across the queue. */
export interface OwnTracing {
  reason: string;
  propagated: boolean;
}

/**
 * The user's own tracing of a produce call site, if any: a PRODUCER span that encloses it (the callback of
 * `startActiveSpan` or of a project's helper given the span's options, or a `startSpan` earlier in an enclosing
 * function: made active by `context.with` or not, a second span would be a sibling of it), and a
 * `propagation.inject` earlier in an enclosing function into an object that the call's arguments (`sources`)
 * read. A span of another kind, or without one (INTERNAL by default), is not instrumentation of the send.
 */
export function ownProduceTracing(ctx: FileContext, site: ts.Node, sources: readonly ts.Node[]): OwnTracing | undefined {
  const span = enclosingSpanCall(ctx, site, 'PRODUCER');
  const read = new Set(sources.flatMap((source) => symbolsReadIn(ctx, source)));
  const inject = ownInject(ctx, site, sources, read);
  if (span) return { reason: `already traced by your own PRODUCER span at ${where(span)}`, propagated: inject !== undefined };
  return inject ? { reason: `already propagated by your own ${inject.what} at ${where(inject.node)}`, propagated: true } : undefined;
}

/**
 * Where the user's code puts a trace context into the message the call sends: `propagation.inject` (or a
 * project helper named for injecting, `injectIntoKafkaHeaders(ctx, headers)`) into an object the call reads,
 * a `traceparent` written into such an object before the call, or a `traceparent` in the call's own literals.
 * otelify's inject keeps a `traceparent` already there, so its span would be the parent of nothing.
 */
function ownInject(ctx: FileContext, site: ts.Node, sources: readonly ts.Node[], read: Set<ts.Symbol>): { what: string; node: ts.Node } | undefined {
  for (const call of callsBefore(ctx, site)) {
    if (isPropagationCall(ctx, call, 'inject') && carrierSymbols(ctx, call).some((symbol) => read.has(symbol))) return { what: 'propagation.inject', node: call };
    const helper = projectHelperName(ctx, call);
    if (helper && INJECT_HELPER.test(helper) && call.arguments.some((arg) => rootSymbols(ctx, arg).some((symbol) => read.has(symbol)))) return { what: `${helper}()`, node: call };
  }
  const written = assignmentsBefore(ctx, site).find((assignment) => TRACEPARENT.test(keyOf(assignment.left) ?? '') && rootSymbols(ctx, assignment.left).some((symbol) => read.has(symbol)));
  if (written) return { what: "'traceparent' header", node: written };
  for (const source of sources) {
    const literal = findNode(source, (n) => (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && TRACEPARENT.test(propertyNameText(n.name) ?? ''));
    if (literal) return { what: "'traceparent' header", node: literal };
  }
  return undefined;
}

const TRACEPARENT = /^traceparent$/i;
/** A project helper named for carrying a trace context (`injectTraceContext`, `extractContextFromHeaders`), not any injector or extractor. */
const INJECT_HELPER = /inject\w*(trace|context|span|otel|propagat|header)|(trace|context|span|otel)\w*inject/i;
const EXTRACT_HELPER = /extract\w*(trace|context|span|otel|propagat|parent)|(trace|context|span|otel)\w*extract/i;

/** The name of a function or method the project declares (not a library's), called by `call`. */
function projectHelperName(ctx: FileContext, call: ts.CallExpression): string | undefined {
  const callee = unwrapExpression(call.expression);
  const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  const declaration = name && valueDeclarationOf(ctx.checker, name);
  return declaration && !declaration.getSourceFile().isDeclarationFile ? name.text : undefined;
}

/** The key an assignment target writes: `headers.traceparent`, `headers['traceparent']`. */
function keyOf(target: ts.Expression): string | undefined {
  const plain = unwrapExpression(target);
  if (ts.isPropertyAccessExpression(plain)) return plain.name.text;
  if (ts.isElementAccessExpression(plain) && ts.isStringLiteralLike(plain.argumentExpression)) return plain.argumentExpression.text;
  return undefined;
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : undefined;
}

/** The variable at the root of an expression (`headers` of `message.headers['x']`). */
function rootSymbols(ctx: FileContext, node: ts.Expression): ts.Symbol[] {
  let root = unwrapExpression(node);
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = unwrapExpression(root.expression);
  const symbol = ts.isIdentifier(root) ? ctx.checker.getSymbolAtLocation(root) : undefined;
  return symbol ? [symbol] : [];
}

function findNode(node: ts.Node, test: (n: ts.Node) => boolean): ts.Node | undefined {
  if (test(node)) return node;
  return ts.forEachChild(node, (child) => findNode(child, test));
}

/**
 * The user's own tracing of a handler (or of the body of a loop over messages), if any: it starts a CONSUMER
 * span, or extracts the context with `propagation.extract` (anywhere in its body). `propagated`: it extracts.
 */
export function ownConsumeTracing(ctx: FileContext, handler: ts.Node | undefined): OwnTracing | undefined {
  const body = handler && handlerBody(ctx, handler);
  if (!body) return undefined;
  const calls: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) calls.push(n);
    ts.forEachChild(n, visit);
  };
  visit(body);
  const span = calls.find((call) => spanKindOf(ctx, call) === 'CONSUMER');
  // `propagation.extract`, or a project helper named for extracting (`extractTraceContextFromHeaders(headers)`).
  const extract = calls.find((call) => isPropagationCall(ctx, call, 'extract'));
  const helper = extract ? undefined : calls.map((call) => ({ node: call, name: projectHelperName(ctx, call) })).find(({ name }) => name && EXTRACT_HELPER.test(name));
  const found = extract ? { what: 'propagation.extract', node: extract } : helper ? { what: `${helper.name}()`, node: helper.node } : undefined;
  if (span) return { reason: `already traced by your own CONSUMER span at ${where(span)}`, propagated: found !== undefined };
  return found ? { reason: `already extracted by your own ${found.what} at ${where(found.node)}`, propagated: true } : undefined;
}

const WHAT_OWN_SPANS_MISS = { produce: 'puts no context into the message', consume: "does not continue the producer's trace" };

/** Said of a site the user's own span traces without carrying the context across: otelify carries it. */
export function ownSpanNote(own: OwnTracing, side: keyof typeof WHAT_OWN_SPANS_MISS): string {
  return `${own.reason.replace(/^already traced by /, 'traced by ')}, which ${WHAT_OWN_SPANS_MISS[side]}: otelify adds only that`;
}

/** `file.ts:line` of a node (a handler's body may be in another file of the project). */
function where(node: ts.Node): string {
  const file = node.getSourceFile();
  return `${basename(file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
}

/** A function's body, also of a handler named by reference (a function or const arrow of the project); a loop's body as it is. */
function handlerBody(ctx: FileContext, handler: ts.Node): ts.Node | undefined {
  if (ts.isBlock(handler)) return handler;
  let node: ts.Node = ts.isExpression(handler) ? unwrapExpression(handler) : handler;
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
    const declaration = valueDeclarationOf(ctx.checker, ts.isPropertyAccessExpression(node) ? node.name : node);
    if (!declaration || declaration.getSourceFile().isDeclarationFile) return undefined;
    const value = (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer ? unwrapExpression(declaration.initializer) : declaration;
    node = value;
  }
  return ts.isFunctionLike(node) && 'body' in node ? (node.body as ts.Node | undefined) : undefined;
}

/**
 * The span-starting call of `kind` that encloses `site`: a call whose callback argument holds the site
 * (`startActiveSpan`, or a project's helper given the span's options), or a `startSpan` before the site in the
 * body of a function that holds it.
 */
function enclosingSpanCall(ctx: FileContext, site: ts.Node, kind: OwnKind): ts.CallExpression | undefined {
  for (let node: ts.Node | undefined = site.parent; node; node = node.parent) {
    if (!ts.isCallExpression(node) || !node.arguments.some((arg) => isFunction(arg) && contains(arg, site))) continue;
    if (spanKindOf(ctx, node) === kind) return node;
  }
  return callsBefore(ctx, site).find((call) => methodName(call) === 'startSpan' && spanKindOf(ctx, call) === kind);
}

function isFunction(node: ts.Expression): boolean {
  const plain = unwrapExpression(node);
  return ts.isArrowFunction(plain) || ts.isFunctionExpression(plain);
}

/**
 * The calls made before `site` in the bodies of the functions that hold it, outside other functions (a
 * call in a sibling function or callback runs at another time). At the top level only for top-level sites.
 */
function callsBefore(ctx: FileContext, site: ts.Node): ts.CallExpression[] {
  return nodesBefore(ctx, site, ts.isCallExpression);
}

/** The assignments (`headers.traceparent = ...`) made before `site`, as {@link callsBefore} finds calls. */
function assignmentsBefore(ctx: FileContext, site: ts.Node): ts.BinaryExpression[] {
  return nodesBefore(ctx, site, (n): n is ts.BinaryExpression => ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken);
}

function nodesBefore<T extends ts.Node>(ctx: FileContext, site: ts.Node, test: (n: ts.Node) => n is T): T[] {
  const found: T[] = [];
  const start = site.getStart(ctx.file);
  const scopes: ts.Node[] = [];
  for (let node: ts.Node | undefined = site.parent; node; node = node.parent) if (ts.isFunctionLike(node)) scopes.push(node);
  if (scopes.length === 0) scopes.push(ctx.file);
  for (const scope of scopes) {
    const visit = (n: ts.Node): void => {
      if (n.pos >= start) return;
      if (test(n) && n.getEnd() <= start) found.push(n);
      if (ts.isFunctionLike(n)) return;
      ts.forEachChild(n, visit);
    };
    const body = scope === ctx.file ? scope : (scope as ts.FunctionLikeDeclaration).body;
    if (body) ts.forEachChild(body, visit);
  }
  return found;
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

function methodName(call: ts.CallExpression): string | undefined {
  const callee = unwrapExpression(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

/**
 * The kind of the span a call starts, when it is PRODUCER or CONSUMER: an OpenTelemetry tracer's `startSpan`
 * or `startActiveSpan` (its options), or a project's helper given span options (`runInSpan(name, work,
 * { kind: SpanKind.PRODUCER })`), whose kind must then be OpenTelemetry's `SpanKind` (a bare number is not).
 */
function spanKindOf(ctx: FileContext, call: ts.CallExpression): OwnKind | undefined {
  const name = methodName(call);
  if ((name === 'startSpan' || name === 'startActiveSpan') && isOpenTelemetryMethod(ctx, call)) return kindIn(ctx, call.arguments[1], true);
  for (const arg of call.arguments) {
    const kind = kindIn(ctx, arg, false);
    if (kind) return kind;
  }
  return undefined;
}

/** The `kind` of span options (inline, or the object literal a variable holds). */
function kindIn(ctx: FileContext, options: ts.Expression | undefined, numbers: boolean): OwnKind | undefined {
  const literal = objectLiteralOf(ctx.checker, options);
  const property = literal && findProperty(literal, 'kind');
  const value = property && ts.isPropertyAssignment(property) ? property.initializer : property && ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
  if (!value) return undefined;
  const type = ctx.checker.getTypeAtLocation(value);
  const plain = unwrapExpression(value);
  const member = type.flags & ts.TypeFlags.EnumLiteral && type.getSymbol()?.declarations?.some((d) => isInModules(d.getSourceFile().fileName, OTEL_API));
  if (!member && !numbers) return undefined;
  const number = type.isNumberLiteral() ? type.value : ts.isNumericLiteral(plain) ? Number(plain.text) : undefined;
  return (Object.keys(SPAN_KINDS) as OwnKind[]).find((kind) => SPAN_KINDS[kind] === number);
}

/** `propagation.inject(...)`/`.extract(...)` of the OpenTelemetry API (`api.propagation`, an aliased import). */
function isPropagationCall(ctx: FileContext, call: ts.CallExpression, method: 'inject' | 'extract'): boolean {
  return methodName(call) === method && isOpenTelemetryMethod(ctx, call);
}

/** The method is declared by `@opentelemetry/api`, or, untyped, read from a value imported from it. */
function isOpenTelemetryMethod(ctx: FileContext, call: ts.CallExpression): boolean {
  const callee = unwrapExpression(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const declarations = ctx.checker.getSymbolAtLocation(callee.name)?.declarations ?? [];
  if (declarations.length > 0) return declarations.some((d) => isInModules(d.getSourceFile().fileName, OTEL_API));
  return isFromModules(importOrigin(ctx.checker, callee.expression), OTEL_API);
}

/** The variables an inject writes into: the root of its carrier argument (`headers`, `message.headers`). */
function carrierSymbols(ctx: FileContext, call: ts.CallExpression): ts.Symbol[] {
  let carrier = call.arguments[1] && unwrapExpression(call.arguments[1]);
  while (carrier && (ts.isPropertyAccessExpression(carrier) || ts.isElementAccessExpression(carrier))) carrier = unwrapExpression(carrier.expression);
  const symbol = carrier && ts.isIdentifier(carrier) ? ctx.checker.getSymbolAtLocation(carrier) : undefined;
  return symbol ? [symbol] : [];
}

/** The variables read in a node (a shorthand `{ headers }` reads the variable `headers`). */
function symbolsReadIn(ctx: FileContext, node: ts.Node): ts.Symbol[] {
  const symbols: ts.Symbol[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isShorthandPropertyAssignment(n)) {
      const symbol = ctx.checker.getShorthandAssignmentValueSymbol(n);
      if (symbol) symbols.push(symbol);
    } else if (ts.isIdentifier(n)) {
      const symbol = ctx.checker.getSymbolAtLocation(n);
      if (symbol) symbols.push(symbol);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return symbols;
}
