import { ts } from '../typescript.cjs';
import type { ArgRef, RequestFieldsTarget } from '../../targets/types.js';
import type { SiteReport } from '../instrument.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { findProperty, objectLiteralOf } from '../resolve.js';
import { type FileContext } from '../context.js';
import { isRuntimeCall } from '../syntax.js';

export function instrumentRequestFields(ctx: FileContext, target: RequestFieldsTarget, node: ts.CallExpression | ts.NewExpression, site: SiteReport): void {
  const args = node.arguments ?? ts.factory.createNodeArray();
  const input = args[target.input.arg];
  if (!input) return ctx.skip(site, 'no request input');
  if (isRuntimeCall(input, 'requestFields')) return ctx.already(site);
  const literal = objectLiteralOf(ctx.checker, input);
  const names = literal && findProperty(literal, target.input.path);
  if (names && ts.isPropertyAssignment(names) && /['"](All|\.\*)['"]/.test(names.initializer.getText(ctx.file))) {
    return ctx.already(site, 'already requests every attribute');
  }
  wrapRequestFields(ctx, args, target.input);
  ctx.done(site);
}

export function wrapRequestFields(ctx: FileContext, args: ts.NodeArray<ts.Expression>, ref: ArgRef & { path?: string }): void {
  const input = args[ref.arg];
  if (!input || isRuntimeCall(input, 'requestFields') || ctx.requestFieldsWrapped.has(input)) return;
  ctx.requestFieldsWrapped.add(input);
  const path = ref.path ?? ref.property ?? '';
  ctx.edits.wrap(input.getStart(ctx.file), input.getEnd(), `${RUNTIME_NAMESPACE}.requestFields(`, `, ${ctx.style.string(path)})`);
}
