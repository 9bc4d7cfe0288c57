import { ts } from '../typescript.cjs';
import type { LoopTarget, Target } from '../../targets/types.js';
import { type FileContext } from '../context.js';
import { instrumentConsume } from './consume.js';
import { instrumentLLM } from './llm.js';
import { instrumentProduce } from './produce.js';
import { instrumentClient } from './produce-client.js';
import { instrumentRequestFields } from './request-fields.js';
import { tracedElsewhereReason } from './reasons.js';
import type { SiteReport } from '../instrument.js';
import { atLeast } from '../syntax.js';

export function instrument(ctx: FileContext, target: Exclude<Target, LoopTarget>, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined): void {
  const site = ctx.site(target, node);
  if (!site) return;
  const elsewhere = ctx.tracedElsewhere?.get(target.library);
  if (elsewhere?.effect === 'skip') return ctx.skip(site, tracedElsewhereReason(elsewhere, target.library));
  if (elsewhere?.effect === 'note') site.note = `${elsewhere.by} (set up at ${elsewhere.where}) also spans ${target.library} calls: turn it off for ${target.library} there, or each message gets two spans`;
  switch (target.role) {
    case 'produce':
      instrumentProduce(ctx, target, node, receiver, site);
      break;
    case 'produce-client':
      instrumentClient(ctx, target, node, receiver, site);
      break;
    case 'consume':
      instrumentConsume(ctx, target, node, receiver, site);
      break;
    case 'request-fields':
      instrumentRequestFields(ctx, target, node, site);
      break;
    case 'llm':
      instrumentLLM(ctx, target, node, receiver, site);
      break;
  }
  if (site.action === 'instrumented') noteSelfTracing(ctx, target, site);
}

/** The installed version of the library traces its own calls: the report says so, and what to do. */
function noteSelfTracing(ctx: FileContext, target: Target, site: SiteReport): void {
  const version = target.selfTraces && ctx.installedVersion(target.modules[0]!);
  if (target.selfTraces && version && atLeast(version, target.selfTraces.since)) {
    site.note = `${target.modules[0]} ${version} ${target.selfTraces.note}`;
  }
}
