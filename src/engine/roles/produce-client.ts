import { ts } from '../typescript.cjs';
import type { ClientTarget } from '../../targets/types.js';
import type { SiteReport } from '../instrument.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { type FileContext } from '../context.js';
import { isRuntimeCall } from '../syntax.js';
import { ownProduceTracing } from '../own-tracing.js';

/**
 * `client.emit(...)` becomes `otelify.wrapper(client).emit(...)`: the runtime instruments the client object
 * (once, whichever call site hands it over) and returns it, so the call and its type stay as written.
 */
export function instrumentClient(ctx: FileContext, target: ClientTarget, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined, site: SiteReport): void {
  if (!receiver || !ts.isCallExpression(node)) return ctx.skip(site, 'no client to instrument at this call');
  if (isRuntimeCall(receiver, target.wrapper)) return ctx.already(site);
  if (receiver.kind === ts.SyntaxKind.SuperKeyword) return ctx.skip(site, "a subclass's call of its base class's method: instrument the client where it is used");
  const own = ownProduceTracing(ctx, node, [node]);
  if (own) return ctx.already(site, own.reason);
  ctx.edits.wrap(receiver.getStart(ctx.file), receiver.getEnd(), `${RUNTIME_NAMESPACE}.${target.wrapper}(`, ')');
  const type = ctx.checker.getNonNullableType(ctx.checker.getTypeAtLocation(receiver));
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
  if (target.withoutHeaders && name && target.withoutHeaders.types.includes(name)) site.note = target.withoutHeaders.note;
  ctx.done(site);
}
