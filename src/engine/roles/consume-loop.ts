import { ts } from '../typescript.cjs';
import type { LoopTarget } from '../../targets/types.js';
import { type FileContext } from '../context.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { ownConsumeTracing, ownSpanNote } from '../own-tracing.js';
import { containsAwait, findLoopEscape, isRuntimeCall } from '../syntax.js';
import { specText } from './consume.js';

/** A loop over a library's messages: its body runs once per message, in that message's CONSUMER span. */
export function instrumentLoop(ctx: FileContext, target: LoopTarget, loop: ts.ForOfStatement, message: ts.Identifier): void {
  const site = ctx.site(target, loop);
  if (!site) return;
  // Already wrapped: the loop's statement is the runtime call itself.
  if (ts.isExpressionStatement(loop.statement) && isRuntimeCall(loop.statement.expression, 'processMessage')) return ctx.already(site);
  if (!ts.isBlock(loop.statement)) return ctx.skip(site, 'loop body is not a block');
  const body = loop.statement;
  const own = ownConsumeTracing(ctx, body);
  if (own?.propagated) return ctx.already(site, own.reason);
  const escape = findLoopEscape(body);
  if (escape) return ctx.skip(site, `loop body uses ${escape}; wrap the per-message work by hand`);
  const awaits = containsAwait(body);
  const spec = specText(ctx, target, { destination: undefined, contextOnly: !!own });
  if (own) site.note = ownSpanNote(own, 'consume');
  // `for (const m of msgs) { ... }` becomes `for (const m of msgs) otelify.processMessage(spec, m, () => { ... });`:
  // the block and its indentation stay as they are.
  const open = `${awaits ? 'await ' : ''}${RUNTIME_NAMESPACE}.processMessage(${spec}, ${message.text}, ${awaits ? 'async ' : ''}() => `;
  ctx.edits.wrap(body.getStart(ctx.file), body.getEnd(), open, `)${ctx.style.semi}`);
  ctx.done(site);
}

/** `messages.forEach((message) => ...)` and `.map(...)`: the callback runs in each message's CONSUMER span. */
export function instrumentMessageCallback(ctx: FileContext, target: LoopTarget, callback: ts.ArrowFunction | ts.FunctionExpression): void {
  const site = ctx.site(target, callback);
  if (!site) return;
  const own = ownConsumeTracing(ctx, callback);
  if (own?.propagated) return ctx.already(site, own.reason);
  if (own) site.note = ownSpanNote(own, 'consume');
  ctx.edits.wrap(callback.getStart(ctx.file), callback.getEnd(), `${RUNTIME_NAMESPACE}.traceProcess(${specText(ctx, target, { contextOnly: !!own })}, `, ')');
  ctx.done(site);
}
