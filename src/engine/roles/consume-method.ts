import { ts } from '../typescript.cjs';
import type { HandlerMethodTarget } from '../../targets/types.js';
import { type FileContext } from '../context.js';
import { destinationOf } from '../destination.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import type { SiteReport } from '../instrument.js';
import { ownConsumeTracing, ownSpanNote } from '../own-tracing.js';
import { isRuntimeCall } from '../syntax.js';
import { specText, type WrappedHandlerTarget } from './consume.js';

/**
 * A decorated handler method gets one more decorator, written last so it is applied first: the runtime's
 * `traceHandler`, which wraps the method (the framework's decorators then put their metadata on the wrapped
 * method), or, where the framework hands the method its declared parameters only, the framework's own
 * decorator registering the runtime's interceptor. The method's type and body stay exactly as written.
 */
export function instrumentHandlerMethod(ctx: FileContext, target: HandlerMethodTarget, method: ts.MethodDeclaration, decorator: ts.CallExpression): void {
  const site = ctx.site(target, method.name);
  if (!site) return;
  // An opt-out comment above the decorators counts as one above the method.
  const first = ts.getDecorators(method)?.[0];
  if (first && ctx.isOptedOut(ctx.file.getLineAndCharacterOfPosition(first.getStart(ctx.file)).line)) return ctx.skip(site, 'otelify-ignore comment');
  if (target.interceptor) return addInterceptor(ctx, target.interceptor, method, site);
  const decorators = ts.getDecorators(method) ?? [];
  if (decorators.some((d) => isRuntimeCall(d.expression, 'traceHandler'))) return ctx.already(site);
  if (method.asteriskToken) return ctx.skip(site, 'generator handler method: its work runs after the call returns');
  if (!method.body) return ctx.skip(site, 'the method has no body here (an overload or an abstract method)');
  const own = ownConsumeTracing(ctx, method);
  if (own?.propagated) return ctx.already(site, own.reason);
  const destination = destinationOf(ctx, target.destination, decorator.arguments, undefined);
  const spec = specText(ctx, target as WrappedHandlerTarget, { destination, contextOnly: !!own });
  insertDecorator(ctx, method, `@${RUNTIME_NAMESPACE}.traceHandler(${spec})`);
  if (own) site.note = ownSpanNote(own, 'consume');
  ctx.done(site);
}

function addInterceptor(ctx: FileContext, interceptor: NonNullable<HandlerMethodTarget['interceptor']>, method: ts.MethodDeclaration, site: SiteReport): void {
  // On the method or on its class, the runtime's interceptor would give each message a second span.
  const decorators = [...(ts.getDecorators(method) ?? []), ...(ts.getDecorators(method.parent as ts.ClassLikeDeclaration) ?? [])];
  const ours = [interceptor.runtime, interceptor.contextOnly];
  if (decorators.some((d) => ts.isCallExpression(d.expression) && d.expression.arguments.some((arg) => ours.some((name) => isRuntimeReference(arg, name))))) return ctx.already(site);
  if (!method.body) return ctx.skip(site, 'the method has no body here (an overload or an abstract method)');
  const own = ownConsumeTracing(ctx, method);
  if (own?.propagated) return ctx.already(site, own.reason);
  const local = ctx.imports.named(interceptor.module, interceptor.decorator);
  if (!local || !/^[\w$]+$/.test(local)) return ctx.skip(site, `'${interceptor.module}' is loaded lazily here or does not resolve from this file, so its '${interceptor.decorator}' cannot be imported`);
  insertDecorator(ctx, method, `@${local}(${RUNTIME_NAMESPACE}.${own ? interceptor.contextOnly : interceptor.runtime})`);
  if (own) site.note = ownSpanNote(own, 'consume');
  ctx.done(site);
}

/** `otelify.name`: the runtime's export, however the file's runtime import is used. */
function isRuntimeReference(node: ts.Expression, name: string): boolean {
  return ts.isPropertyAccessExpression(node) && node.name.text === name && ts.isIdentifier(node.expression) && node.expression.text === RUNTIME_NAMESPACE;
}

/** After the method's last decorator, before its modifiers (`async`, `public`) and name. */
function insertDecorator(ctx: FileContext, method: ts.MethodDeclaration, text: string): void {
  const first = (method.modifiers ?? []).find((m) => !ts.isDecorator(m)) ?? method.name;
  const at = first.getStart(ctx.file);
  const lineStart = ctx.file.getLineStarts()[ctx.file.getLineAndCharacterOfPosition(at).line]!;
  const before = ctx.file.text.slice(lineStart, at);
  // Its own line, unless every line must keep its number (the tsc plugin).
  ctx.edits.insert(at, /^\s*$/.test(before) && !ctx.options.keepLineNumbers ? `${text}${ctx.style.newline}${before}` : `${text} `);
}
