import { ts } from '../typescript.cjs';
import type { LoopTarget } from '../../targets/types.js';
import { isInModules } from '../resolve.js';
import { type FileContext } from '../context.js';
import { instrumentLoop, instrumentMessageCallback } from '../roles/consume-loop.js';

/** The library's message type, when `type` is one of a loop target's element types. */
function loopTargetFor(ctx: FileContext, type: ts.Type): LoopTarget | undefined {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  if (!symbol) return undefined;
  const declarationFiles = (symbol.declarations ?? []).map((d) => d.getSourceFile().fileName);
  return ctx.loops.find(
    (t) => t.elementTypes.includes(symbol.getName()) && declarationFiles.some((f) => isInModules(f, t.modules)),
  );
}

export function visitLoop(ctx: FileContext, loop: ts.ForOfStatement): void {
  if (ctx.loops.length === 0) return;
  const declarationList = loop.initializer;
  if (!ts.isVariableDeclarationList(declarationList)) return;
  const declaration = declarationList.declarations[0];
  if (!declaration || !ts.isIdentifier(declaration.name)) return;
  const target = loopTargetFor(ctx, ctx.checker.getTypeAtLocation(declaration.name));
  if (!target) return;
  instrumentLoop(ctx, target, loop, declaration.name);
}

/** `messages.forEach((message) => ...)` and `.map(...)` over a library's messages. */
export function visitMessageCallback(ctx: FileContext, call: ts.CallExpression): void {
  if (ctx.loops.length === 0) return;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !['forEach', 'map'].includes(callee.name.text)) return;
  const callback = call.arguments[0];
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return;
  const parameter = callback.parameters[0];
  if (!parameter) return;
  // The element type of the list, not the callback parameter's: typing the parameter would infer the
  // whole call (every `.map` in a file), which on heavily generic code costs more than everything else.
  const list = ctx.checker.getTypeAtLocation(callee.expression);
  const element = ctx.checker.isArrayLikeType(list) ? ctx.checker.getIndexTypeOfType(list, ts.IndexKind.Number) : undefined;
  const target = element && loopTargetFor(ctx, ctx.checker.getNonNullableType(element));
  if (!target) return;
  instrumentMessageCallback(ctx, target, callback);
}
