import { ts } from '../typescript.cjs';
import type { LLMTarget, ProduceTarget } from '../../targets/types.js';
import { constructionOf, importOrigin, isFromModules, isInModules, unwrapExpression } from '../resolve.js';
import { type FileContext } from '../context.js';
import { instrumentLLMSend } from '../roles/llm.js';
import { instrumentCommandSend } from '../roles/produce.js';
import { containsAwait, containsYield, enclosingFunction, isInsideRuntimeCall, isRuntimeCall } from '../syntax.js';

/**
 * `client.send(command)` where the command was built before (a variable, a helper's return value): the span
 * goes around the send, which is what takes time and fails. A command built inline is matched by its `new`.
 */
export function visitCommandSend(ctx: FileContext, call: ts.CallExpression, callee: ts.PropertyAccessExpression): boolean {
  const candidates = ctx.index.commandsBySend.get(callee.name.text);
  const arg = call.arguments[0];
  if (!candidates || !arg || call.arguments.length !== 1) return false;
  const plain = unwrapExpression(arg);
  if (ts.isNewExpression(plain)) return false;
  const wrapped = isRuntimeCall(plain, 'injectCommand') || isRuntimeCall(plain, 'llmRequest');
  const command = wrapped ? (plain as ts.CallExpression).arguments[0] : arg;
  if (!command) return false;
  const target = commandTargetOf(ctx, command, candidates);
  if (!target || !isLibrarySend(ctx, call)) return false;
  ctx.sentTargets.add(target.id);
  const site = ctx.site(target, call);
  if (!site) return true;
  if (wrapped || isInsideRuntimeCall(call, target.role === 'llm' ? 'traceLLM' : 'traceSend')) {
    ctx.already(site);
    return true;
  }
  if (containsAwait(command) || containsYield(command)) {
    ctx.skip(site, 'the command argument uses await or yield; move it to a variable first');
    return true;
  }
  const construction = constructionOf(ctx.checker, command);
  if (target.role === 'llm') instrumentLLMSend(ctx, target, call, command, construction, site);
  else instrumentCommandSend(ctx, target, call, command, construction, site);
  return true;
}

/** `client.send(node)`: the SDK's send method called with `node` as its command. */
export function enclosingSendCall(ctx: FileContext, node: ts.Node, method: string): ts.CallExpression | undefined {
  const parent = node.parent;
  if (!parent || !ts.isCallExpression(parent) || parent.arguments[0] !== node) return undefined;
  const callee = parent.expression;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === method && isLibrarySend(ctx, parent) ? parent : undefined;
}

/** The send method is the SDK's (or the receiver is untyped), not a project's own wrapper of it. */
function isLibrarySend(ctx: FileContext, call: ts.CallExpression): boolean {
  // The method's declaration from the receiver's type (resolving the call would infer its arguments).
  const method = ts.isPropertyAccessExpression(call.expression) ? ctx.checker.getSymbolAtLocation(call.expression.name) : undefined;
  const declarations = method?.declarations ?? [];
  if (declarations.length === 0) return true;
  return declarations.some((declaration) => {
    const file = declaration.getSourceFile();
    return file.isDeclarationFile && /[\\/]node_modules[\\/]/.test(file.fileName);
  });
}

/** The target whose command class `command` is an instance of: by its type, or without types by its `new`. */
function commandTargetOf(ctx: FileContext, command: ts.Expression, candidates: (ProduceTarget | LLMTarget)[]): ProduceTarget | LLMTarget | undefined {
  const type = ctx.checker.getTypeAtLocation(command);
  const symbol = type.flags & ts.TypeFlags.Any ? undefined : type.getSymbol();
  if (symbol) {
    const files = (symbol.declarations ?? []).map((d) => d.getSourceFile().fileName);
    return candidates.find((t) => t.match.kind === 'new' && t.match.class === symbol.getName() && files.some((f) => isInModules(f, t.modules)));
  }
  const construction = constructionOf(ctx.checker, command);
  if (!construction) return undefined;
  const name = ts.isIdentifier(construction.expression) ? construction.expression.text : ts.isPropertyAccessExpression(construction.expression) ? construction.expression.name.text : undefined;
  const origin = importOrigin(ctx.checker, construction.expression);
  return candidates.find((t) => t.match.kind === 'new' && t.match.class === name && isFromModules(origin, t.modules));
}

/**
 * A `const` holding a command whose every use is as the argument of `send` in the same scope: each send
 * is instrumented (spanned, and the context injected there), so the construction itself stays as it is.
 */
export function isSentThroughVariable(ctx: FileContext, node: ts.NewExpression, sendMethod: string): boolean {
  let holder: ts.Node = node;
  while (holder.parent && (ts.isParenthesizedExpression(holder.parent) || ts.isAsExpression(holder.parent) || ts.isSatisfiesExpression(holder.parent) || ts.isNonNullExpression(holder.parent))) holder = holder.parent;
  const declaration = holder.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.initializer !== holder || !ts.isIdentifier(declaration.name)) return false;
  if (!(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return false;
  const symbol = ctx.checker.getSymbolAtLocation(declaration.name);
  if (!symbol) return false;
  const scope = enclosingFunction(declaration) ?? ctx.file;
  let sends = 0;
  let other = false;
  const visit = (n: ts.Node): void => {
    if (other) return;
    if (ts.isIdentifier(n) && n !== declaration.name && ctx.checker.getSymbolAtLocation(n) === symbol) {
      // A send that an earlier run instrumented passes the command through the runtime first.
      const argument = (isRuntimeCall(n.parent, 'injectCommand') || isRuntimeCall(n.parent, 'llmRequest')) && (n.parent as ts.CallExpression).arguments[0] === n ? n.parent : n;
      const call = argument.parent;
      const isSend = ts.isCallExpression(call) && call.arguments.length === 1 && call.arguments[0] === argument && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === sendMethod && isLibrarySend(ctx, call);
      if (isSend) sends++;
      else other = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return !other && sends > 0;
}
