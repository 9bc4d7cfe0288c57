import { ts } from '../typescript.cjs';
import type { ProduceTarget } from '../../targets/types.js';
import type { SiteReport } from '../instrument.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { constructionsOf, findProperty, objectLiteralOf, unwrapExpression } from '../resolve.js';
import { type FileContext } from '../context.js';
import { destinationOf, destinationEntries } from '../destination.js';
import { enclosingSendCall } from '../match/commands.js';
import { ownProduceTracing, ownSpanNote } from '../own-tracing.js';
import { containsAwait, containsYield, isInsideRuntimeCall, isRuntimeCall } from '../syntax.js';
import { AWAITED_RECEIVER, narrowedReason } from './reasons.js';

export function instrumentProduce(ctx: FileContext, target: ProduceTarget, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined, site: SiteReport): void {
  const args = node.arguments ?? ts.factory.createNodeArray();
  // With `client.send(new Command(...))` the span covers the send, not just building the command.
  const sendCall = target.sendMethod ? enclosingSendCall(ctx, node, target.sendMethod) : undefined;
  const spanned = sendCall ?? node;
  if (isInsideRuntimeCall(spanned, 'traceSend')) return ctx.already(site);
  // A span of the user's own that sends nothing into the message leaves the consumer in a new trace: the message
  // still gets the context (theirs, where their span is active), and no second span.
  const own = ownProduceTracing(ctx, spanned, [spanned]);
  if (own?.propagated) return ctx.already(site, own.reason);
  const carrierArg = args[target.carrier.arg];
  const carriedByArgument = !!carrierArg && !!target.carrier.carriedBy && isOfType(ctx, carrierArg, target.carrier.carriedBy);
  if (own && carriedByArgument) return ctx.already(site, own.reason);
  if (carrierArg && isRuntimeCall(carrierArg, 'inject')) return ctx.already(site);
  if (carrierArg && ctx.callability(carrierArg) === 'yes') return ctx.skip(site, `a callback is passed where the ${target.carrier.path ? `options with '${target.carrier.path.split('.')[0]}'` : 'attributes'} go; pass them (or the promise form) to propagate the context`);
  if (args.length < target.carrier.arg && !target.carrier.fillMissing) {
    return ctx.skip(site, `expected at least ${target.carrier.arg} arguments before the options`);
  }
  if (args.some((arg) => containsAwait(arg) || containsYield(arg))) return ctx.skip(site, 'an argument uses await or yield; move it to a variable first');
  const arrow = own ? undefined : ctx.arrowFor(spanned);
  if (!own && !arrow) return ctx.skip(site, AWAITED_RECEIVER);
  const narrowed = own ? undefined : ctx.narrowedInCall(spanned);
  if (narrowed) return ctx.skip(site, narrowedReason(narrowed.getText(ctx.file)));
  const native = target.nativeTelemetry && nativeTelemetryIn(ctx, target.nativeTelemetry, carrierArg, receiver);
  if (native === 'call') return ctx.skip(site, `the message options set '${target.nativeTelemetry}' themselves`);
  if (native) return ctx.skip(site, `the library's own telemetry is configured ('${target.nativeTelemetry}')`);
  const destination = destinationOf(ctx, target.destination, args, receiver);
  const batch = target.batch !== undefined ? batchSize(ctx, carrierArg, target.batch) : undefined;
  const operation = sendCall || !target.sendMethod ? target.operation : 'create';
  const spec = ctx.style.object([
    ['system', ctx.style.string(target.system)],
    ['operation', ctx.style.string(operation)],
    ...destinationEntries(ctx, destination),
    ['batch', batch],
  ]);
  const { path, format, createHeaders } = target.carrier;
  const extra = [ctx.style.string(path)];
  if (format && format !== 'record') extra.push(ctx.style.string(format));
  if (createHeaders) {
    const module = ctx.imports.preferredModule(createHeaders.modules) ?? createHeaders.modules[0]!;
    const factory = ctx.imports.named(module, createHeaders.name);
    if (!factory) return ctx.skip(site, `'${module}' is loaded lazily here or does not resolve from this file, so its '${createHeaders.name}()' cannot be imported`);
    if (extra.length === 1) extra.push(ctx.style.string('record'));
    extra.push(factory);
  }
  if (own) site.note = ownSpanNote(own, 'produce');
  else ctx.edits.wrap(spanned.getStart(ctx.file), spanned.getEnd(), `${RUNTIME_NAMESPACE}.traceSend(${spec}, ${arrow}`, ')');
  if (carriedByArgument) {
    site.note = 'the messages carry the context they were given when added to the batch';
  } else if (carrierArg) {
    ctx.edits.wrap(carrierArg.getStart(ctx.file), carrierArg.getEnd(), `${RUNTIME_NAMESPACE}.inject(`, `, ${extra.join(', ')})`);
  } else {
    const last = args[args.length - 1];
    const missing = Array(target.carrier.arg - args.length).fill('undefined, ').join('');
    const text = `${missing}${RUNTIME_NAMESPACE}.inject(${emptyCarrier(ctx, node, target.carrier.arg)}, ${extra.join(', ')})`;
    if (last) ctx.edits.insert(last.getEnd(), `, ${text}`);
    else ctx.edits.insert(node.getEnd() - 1, text);
  }
  ctx.done(site);
}

/**
 * What to inject into when the call has no options argument: `{}`, or `undefined` (which the runtime turns
 * into a new object) when the parameter's type has required properties `{}` would not type-check against
 * (NATS `request` options need `timeout`).
 */
function emptyCarrier(ctx: FileContext, node: ts.CallExpression | ts.NewExpression, index: number): string {
  const parameter = ctx.checker.getResolvedSignature(node)?.parameters[index];
  if (!parameter) return '{}';
  const type = ctx.checker.getNonNullableType(ctx.checker.getTypeOfSymbolAtLocation(parameter, node));
  const members = type.isUnion() ? type.types : [type];
  const fits = members.some((member) => ctx.checker.getPropertiesOfType(member).every((p) => (p.flags & ts.SymbolFlags.Optional) !== 0));
  return fits ? '{}' : 'undefined';
}

/**
 * `client.send(command)` of a message command built before: a PRODUCER span around the send, and the
 * context injected into the command's input there, so the message carries the send's span.
 */
export function instrumentCommandSend(ctx: FileContext, target: ProduceTarget, call: ts.CallExpression, command: ts.Expression, construction: ts.NewExpression | undefined, site: SiteReport): void {
  const own = ownProduceTracing(ctx, call, construction ? [call, construction] : [call]);
  if (own?.propagated) return ctx.already(site, own.reason);
  const args = construction?.arguments ?? ts.factory.createNodeArray();
  const spec = ctx.style.object([
    ['system', ctx.style.string(target.system)],
    ['operation', ctx.style.string(target.operation)],
    ...destinationEntries(ctx, destinationOf(ctx, target.destination, args, undefined)),
    ['batch', target.batch !== undefined ? batchSize(ctx, args[target.carrier.arg], target.batch) : undefined],
  ]);
  const { path, format } = target.carrier;
  const extra = [ctx.style.string(path), ...(format && format !== 'record' ? [ctx.style.string(format)] : [])];
  if (own) {
    site.note = ownSpanNote(own, 'produce');
    ctx.edits.wrap(command.getStart(ctx.file), command.getEnd(), `${RUNTIME_NAMESPACE}.injectCommand(`, `, ${extra.join(', ')})`);
    return ctx.done(site);
  }
  const arrow = ctx.arrowFor(call);
  if (!arrow) return ctx.skip(site, AWAITED_RECEIVER);
  const narrowed = ctx.narrowedInCall(call);
  if (narrowed) return ctx.skip(site, narrowedReason(narrowed.getText(ctx.file)));
  ctx.edits.wrap(call.getStart(ctx.file), call.getEnd(), `${RUNTIME_NAMESPACE}.traceSend(${spec}, ${arrow}`, ')');
  ctx.edits.wrap(command.getStart(ctx.file), command.getEnd(), `${RUNTIME_NAMESPACE}.injectCommand(`, `, ${extra.join(', ')})`);
  ctx.done(site);
}

/** The number of messages a literal array at `path` of the carrier argument holds ('': the argument is the array). */
function batchSize(ctx: FileContext, carrier: ts.Expression | undefined, path: string): string | undefined {
  const literal = path ? objectLiteralOf(ctx.checker, carrier) : undefined;
  const property = literal && findProperty(literal, path);
  const array = path ? property && ts.isPropertyAssignment(property) && property.initializer : carrier && unwrapExpression(carrier);
  if (array && ts.isArrayLiteralExpression(array)) {
    const elements = array.elements;
    // `messaging.batch.message_count` is only for calls that send several messages.
    return elements.some(ts.isSpreadElement) || elements.length < 2 ? undefined : String(elements.length);
  }
  return undefined;
}

/**
 * Where the library's own telemetry option is visibly set: in the call's options, or in an options argument of
 * the `new` that built the receiver (whichever argument it is). A dotted option (`openTelemetry.propagateContext`)
 * is looked for through nested object literals; set to `false`, it is not set.
 */
export function nativeTelemetryIn(ctx: FileContext, option: string, options: ts.Expression | undefined, receiver: ts.Expression | undefined): 'call' | 'receiver' | undefined {
  const sets = (expression: ts.Expression | undefined, path = option.split('.')): boolean => {
    const [property, ...rest] = path;
    const literal = objectLiteralOf(ctx.checker, expression);
    const element = literal && property !== undefined ? findProperty(literal, property) : undefined;
    if (!element) return false;
    const value = ts.isPropertyAssignment(element) ? element.initializer : ts.isShorthandPropertyAssignment(element) ? element.name : undefined;
    if (rest.length > 0) return sets(value, rest);
    return value?.kind !== ts.SyntaxKind.FalseKeyword;
  };
  if (sets(options)) return 'call';
  const constructions = receiver ? constructionsOf(ctx.checker, receiver) : [];
  return constructions.some((construction) => construction.arguments?.some((argument) => sets(argument))) ? 'receiver' : undefined;
}

/** The expression's type (every member of a union) is one of the named types. */
function isOfType(ctx: FileContext, node: ts.Expression, names: readonly string[]): boolean {
  const type = ctx.checker.getTypeAtLocation(node);
  const members = type.isUnion() ? type.types : [type];
  return members.every((member) => {
    const symbol = member.aliasSymbol ?? member.getSymbol();
    return symbol !== undefined && names.includes(symbol.getName());
  });
}
