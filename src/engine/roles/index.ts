import { ts } from '../typescript.cjs';
import type { LoopTarget, Target } from '../../targets/types.js';
import { type FileContext } from '../context.js';
import { instrumentConsume } from './consume.js';
import { instrumentLLM } from './llm.js';
import { instrumentProduce } from './produce.js';
import { instrumentRequestFields } from './request-fields.js';
import { tracedElsewhereReason } from './reasons.js';

export function instrument(ctx: FileContext, target: Exclude<Target, LoopTarget>, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined): void {
  const site = ctx.site(target, node);
  if (!site) return;
  const elsewhere = ctx.options.tracedElsewhere?.get(target.library);
  if (elsewhere?.effect === 'skip') return ctx.skip(site, tracedElsewhereReason(elsewhere, target.library));
  if (elsewhere?.effect === 'note') site.note = `${elsewhere.by} (set up at ${elsewhere.where}) also spans ${target.library} calls: turn it off for ${target.library} there, or each message gets two spans`;
  switch (target.role) {
    case 'produce':
      return instrumentProduce(ctx, target, node, receiver, site);
    case 'consume':
      return instrumentConsume(ctx, target, node, receiver, site);
    case 'request-fields':
      return instrumentRequestFields(ctx, target, node, site);
    case 'llm':
      return instrumentLLM(ctx, target, node, receiver, site);
  }
}
