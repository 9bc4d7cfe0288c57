import { ts } from '../typescript.cjs';
import type { HandlerMethodTarget } from '../../targets/types.js';
import { type FileContext } from '../context.js';
import { isFunctionFromModules } from '../resolve.js';
import { instrumentHandlerMethod } from '../roles/consume-method.js';

/** `@Name(...)` or `@ns.Name(...)`: the decorator's call and name. */
function decoratorCall(decorator: ts.Decorator): { call: ts.CallExpression; name: string } | undefined {
  const call = decorator.expression;
  if (!ts.isCallExpression(call)) return undefined;
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name ? { call, name } : undefined;
}

/**
 * A class method that a framework calls with each message: decorated by the library (`@RabbitSubscribe(...)`),
 * or named by a decorator of its class (`@Processor('q')` classes' `process`). The decorator's identity is
 * checked like a function's: imported from the library, never a look-alike of the same name.
 */
export function visitMethod(ctx: FileContext, method: ts.MethodDeclaration): void {
  if (ctx.index.byDecorator.size === 0 || !ts.isClassLike(method.parent)) return;
  const methodName = ts.isIdentifier(method.name) || ts.isStringLiteral(method.name) ? method.name.text : undefined;
  const candidates: { decorator: ts.CallExpression; targets: HandlerMethodTarget[]; onClass: boolean }[] = [];
  for (const [decorators, onClass] of [[ts.getDecorators(method) ?? [], false], [ts.getDecorators(method.parent) ?? [], true]] as const) {
    for (const decorator of decorators) {
      const found = decoratorCall(decorator);
      const targets = found && ctx.index.byDecorator.get(found.name)?.filter((t) => (t.match.method !== undefined) === onClass && (!onClass || t.match.method === methodName));
      if (found && targets && targets.length > 0) candidates.push({ decorator: found.call, targets, onClass });
    }
  }
  for (const { decorator, targets } of candidates) {
    const target = targets.find((t) => isFunctionFromModules(ctx.checker, decorator.expression, t.modules));
    if (target) return instrumentHandlerMethod(ctx, target, method, decorator);
  }
}
