import { ts } from '../typescript.cjs';
import type { HandlerMethodTarget } from '../../targets/types.js';
import { type FileContext } from '../context.js';
import { destinationOf } from '../destination.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { ownConsumeTracing } from '../own-tracing.js';
import { isRuntimeCall } from '../syntax.js';
import { specText } from './consume.js';

/**
 * A decorated handler method gets the runtime's `traceHandler` decorator as its last decorator, so it is
 * applied first: the framework's decorators then put their metadata on the wrapped method, and the method's
 * type and body stay exactly as written.
 */
export function instrumentHandlerMethod(ctx: FileContext, target: HandlerMethodTarget, method: ts.MethodDeclaration, decorator: ts.CallExpression): void {
  const site = ctx.site(target, method.name);
  if (!site) return;
  const decorators = ts.getDecorators(method) ?? [];
  if (decorators.some((d) => isRuntimeCall(d.expression, 'traceHandler'))) return ctx.already(site);
  if (method.asteriskToken) return ctx.skip(site, 'generator handler method: its work runs after the call returns');
  if (!method.body) return ctx.skip(site, 'the method has no body here (an overload or an abstract method)');
  const own = ownConsumeTracing(ctx, method);
  if (own) return ctx.already(site, own);
  const destination = destinationOf(ctx, target.destination, decorator.arguments, undefined);
  const spec = specText(ctx, target, { destination });
  // After the last decorator, before the modifiers (`async`, `public`) and the name.
  const first = (method.modifiers ?? []).find((m) => !ts.isDecorator(m)) ?? method.name;
  const at = first.getStart(ctx.file);
  const lineStart = ctx.file.getLineStarts()[ctx.file.getLineAndCharacterOfPosition(at).line]!;
  const before = ctx.file.text.slice(lineStart, at);
  const text = `@${RUNTIME_NAMESPACE}.traceHandler(${spec})`;
  // Its own line, unless every line must keep its number (the tsc plugin).
  ctx.edits.insert(at, /^\s*$/.test(before) && !ctx.options.keepLineNumbers ? `${text}${ctx.style.newline}${before}` : `${text} `);
  ctx.done(site);
}
