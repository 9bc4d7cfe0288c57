import { ts } from '../typescript.cjs';
import type { ConsumeTarget, HandlerMethodTarget, LoopTarget } from '../../targets/types.js';
import type { SiteReport } from '../instrument.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { constValueOf, importOrigin, isFromModules } from '../resolve.js';
import { type FileContext } from '../context.js';
import { destinationOf, destinationEntries, type DestinationCode } from '../destination.js';
import { PATH_MODULES, describeRef, isPathLike, isRuntimeCall, locate } from '../syntax.js';
import { ownConsumeTracing, ownSpanNote } from '../own-tracing.js';
import { nativeTelemetryIn } from './produce.js';
import { wrapRequestFields } from './request-fields.js';

export function instrumentConsume(ctx: FileContext, target: ConsumeTarget, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined, site: SiteReport): void {
  const args = node.arguments ?? ts.factory.createNodeArray();
  const handler = locate(args, target.handler);
  if (!handler) return ctx.skip(site, `no inline ${describeRef(target.handler)} to wrap`);
  const value = handler.value;
  if (value && (isRuntimeCall(value, 'traceProcess') || isRuntimeCall(value, 'traceBatch'))) return ctx.already(site);
  // A CONSUMER span of the user's own that extracts nothing starts a new trace: the message's context is made
  // current around it, and no second span is made. A batch's messages have one context each: left alone.
  const own = ownConsumeTracing(ctx, handler.element && ts.isMethodDeclaration(handler.element) ? handler.element : value);
  if (own && (own.propagated || target.batch)) return ctx.already(site, own.reason);
  const notAFunction = value && whyNotAFunction(ctx, value);
  if (notAFunction) return ctx.skip(site, notAFunction);
  if (value && ts.isCallExpression(node) && takesTypeFromOverloads(ctx, node, value)) {
    return ctx.skip(site, "the handler's parameters take their type from one of the method's overloads, which wrapping it would change; give them a type annotation");
  }
  if (target.nativeTelemetry && nativeTelemetryIn(ctx, target.nativeTelemetry, args[2] ?? args[1], receiver)) {
    return ctx.skip(site, `the library's own telemetry is configured ('${target.nativeTelemetry}')`);
  }
  const destination = destinationOf(ctx, target.destination, args, receiver);
  const spec = specText(ctx, target, { destination, contextOnly: !!own });
  const wrapper = `${RUNTIME_NAMESPACE}.${target.batch ? 'traceBatch' : 'traceProcess'}(${spec}, `;
  const element = handler.element;
  if (element && ts.isShorthandPropertyAssignment(element)) {
    ctx.edits.insert(element.getEnd(), `: ${wrapper}${element.name.text})`);
  } else if (element && ts.isMethodDeclaration(element)) {
    if (element.asteriskToken || element.typeParameters) return ctx.skip(site, 'generator or generic handler method');
    const name = element.name.getText(ctx.file);
    const isAsync = element.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    ctx.edits.replace(element.getStart(ctx.file), element.name.getEnd(), `${name}: ${wrapper}${isAsync ? 'async ' : ''}function`);
    ctx.edits.insert(element.getEnd(), ')');
  } else if (value) {
    ctx.edits.wrap(value.getStart(ctx.file), value.getEnd(), wrapper, ')');
  } else {
    return ctx.skip(site, `no inline ${describeRef(target.handler)} to wrap`);
  }
  if (target.requestFields) wrapRequestFields(ctx, args, target.requestFields);
  if (own) site.note = ownSpanNote(own, 'consume');
  ctx.done(site);
}

/**
 * Why a handler argument cannot be wrapped, when its syntax or type says it is not a function: a file path
 * or URL (a processor run in another process), `null`/`undefined` (no handler), or a value that is not always
 * a function. Untyped values are wrapped (the runtime leaves a non-function as it is).
 */
function whyNotAFunction(ctx: FileContext, node: ts.Expression): string | undefined {
  const inline = constValueOf(ctx.checker, node);
  if (ts.isArrowFunction(inline) || ts.isFunctionExpression(inline)) return undefined;
  const filePath = 'the processor is a file path or URL (it runs in another process); wrap the function that file exports by hand';
  if (isPathLike(inline) || isFromModules(importOrigin(ctx.checker, inline), PATH_MODULES)) return filePath;
  if (inline.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(inline) && inline.text === 'undefined')) return 'no handler function is given';
  const type = ctx.checker.getTypeAtLocation(node);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  const members = type.isUnion() ? type.types : [type];
  if (members.every((member) => member.getCallSignatures().length > 0)) return undefined;
  if (members.some((member) => member.flags & ts.TypeFlags.StringLike || member.getSymbol()?.getName() === 'URL')) return filePath;
  return 'the handler is not always a function';
}

/** A handler method target whose method the runtime's `traceHandler` wraps. */
export type WrappedHandlerTarget = Extract<HandlerMethodTarget, { spec: object }>;

export function specText(ctx: FileContext, target: ConsumeTarget | WrappedHandlerTarget | LoopTarget, known: { destination?: DestinationCode; contextOnly?: boolean }): string {
  const spec = target.spec;
  const name = known.destination?.name;
  return ctx.style.object([
    ['system', ctx.style.string(target.system)],
    ['operation', target.operation === 'process' ? undefined : ctx.style.string(target.operation)],
    ...destinationEntries(ctx, known.destination),
    ['destinationFrom', name || !spec.destinationFrom ? undefined : ctx.style.string(spec.destinationFrom)],
    ['messages', target.role === 'consume' && target.batch ? ctx.style.string(target.batch.messages) : undefined],
    ['continueSingle', target.role === 'consume' && target.batch?.continueSingle ? 'true' : undefined],
    ['message', 'message' in spec && spec.message ? ctx.style.string(spec.message) : undefined],
    ['payloadArg', 'payloadArg' in spec && spec.payloadArg ? String(spec.payloadArg) : undefined],
    ['headers', ctx.style.string(spec.headers)],
    ['format', spec.format && spec.format !== 'record' ? ctx.style.string(spec.format) : undefined],
    ['id', spec.id ? ctx.style.string(spec.id) : undefined],
    ['contextOnly', known.contextOnly ? 'true' : undefined],
  ]);
}

/**
 * An inline handler with an unannotated parameter, passed to a method with several overloads of this call's
 * arity where the one that applies is not the first (pg-boss 10/11 `work(name, options, handler)`, after the
 * `includeMetadata` overload): TypeScript types the handler from the first overload it tries, and once the
 * handler sits inside the runtime's generic wrapper that type is kept when that overload fails, so the call
 * would no longer type-check.
 */
function takesTypeFromOverloads(ctx: FileContext, call: ts.CallExpression, handler: ts.Expression): boolean {
  const inline = ts.isParenthesizedExpression(handler) ? handler.expression : handler;
  if (!ts.isArrowFunction(inline) && !ts.isFunctionExpression(inline)) return false;
  if (inline.parameters.every((parameter) => parameter.type !== undefined)) return false;
  const count = call.arguments.length;
  const signatures = ctx.checker.getTypeAtLocation(call.expression).getCallSignatures().filter((signature) => {
    const declaration = signature.getDeclaration();
    if (!declaration || ts.isJSDocSignature(declaration)) return false;
    const required = declaration.parameters.filter((p) => !p.questionToken && !p.initializer && !p.dotDotDotToken).length;
    const rest = declaration.parameters.some((p) => p.dotDotDotToken);
    return required <= count && (rest || declaration.parameters.length >= count);
  });
  if (signatures.length < 2) return false;
  // The overload TypeScript tries first types the wrapped handler: harmless when it is the one that applies.
  const resolved = ctx.checker.getResolvedSignature(call)?.getDeclaration();
  return resolved !== signatures[0]!.getDeclaration();
}
