import { ts } from './typescript.cjs';
import type { ArgRef } from '../targets/types.js';
import { findProperty, unwrapExpression } from './resolve.js';

/** The runtime's functions that wrap a call site: a site inside one is instrumented already. */
const RUNTIME_WRAPPERS = new Set(['traceSend', 'traceProcess', 'traceBatch', 'processMessage', 'inject', 'injectCommand', 'requestFields', 'traceLLM', 'llmRequest', 'traceHandler', 'traceNestClient']);

/** An argument, or a property of an inline object argument. */
export function locate(args: ts.NodeArray<ts.Expression>, ref: ArgRef): { value?: ts.Expression; element?: ts.ObjectLiteralElementLike } | undefined {
  const arg = args[ref.arg];
  if (!arg) return undefined;
  if (!ref.property) return { value: arg };
  const object = unwrapExpression(arg);
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  const element = findProperty(object, ref.property);
  if (!element) return undefined;
  const value = ts.isPropertyAssignment(element) ? element.initializer : ts.isShorthandPropertyAssignment(element) ? element.name : undefined;
  return { element, value };
}

/** `version >= minimum`, comparing the numeric parts of two semver versions. */
export function atLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split(/[.+-]/).slice(0, 3).map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** A chain of property reads ending in `chain` (`client.chat.completions` ends with `chat.completions`). */
export function endsWithChain(node: ts.Expression, chain: string): boolean {
  let current = unwrapExpression(node);
  for (const name of chain.split('.').reverse()) {
    if (!ts.isPropertyAccessExpression(current) || current.name.text !== name) return false;
    current = unwrapExpression(current.expression);
  }
  return true;
}

/** A number (also negative) or boolean literal. */
export function isPlainLiteral(value: ts.Expression): boolean {
  if (ts.isNumericLiteral(value) || value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword) return true;
  return ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(value.operand);
}

/** Identifiers, `this` and property reads: evaluating them again in the spec changes nothing. */
export function isSideEffectFree(node: ts.Expression): boolean {
  if (ts.isIdentifier(node) || node.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(node) && !node.questionDotToken && isSideEffectFree(node.expression);
}

/** Node's modules that build file paths and URLs (`path.join(__dirname, 'processor.js')`); their types are not loaded. */
export const PATH_MODULES = ['path', 'node:path', 'url', 'node:url'];

/** A string built in place (literal, template, concatenation), `new URL(...)` or `require.resolve(...)`. */
export function isPathLike(node: ts.Expression): boolean {
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
  const callee = ts.isNewExpression(node) || ts.isCallExpression(node) ? node.expression : undefined;
  if (!callee) return false;
  const name = callee.getText();
  return ts.isNewExpression(node) ? /^(\w+\.)?URL$/.test(name) : name === 'require.resolve';
}

export function describeRef(ref: ArgRef): string {
  return ref.property ? `'${ref.property}' handler` : `handler (argument ${ref.arg + 1})`;
}

/** Is `node` a call to one of the runtime's functions (`otelify.traceProcess(...)`)? */
export function isRuntimeCall(node: ts.Node | undefined, name: string): boolean {
  if (!node) return false;
  const expression = ts.isExpression(node) ? unwrapExpression(node) : node;
  if (!ts.isCallExpression(expression)) return false;
  const callee = expression.expression;
  const calleeName = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  return calleeName === name && RUNTIME_WRAPPERS.has(name);
}

/** `() => call` as the callback of a runtime wrapper: the call is already instrumented. */
export function isInsideRuntimeCall(node: ts.Node, name: string): boolean {
  const arrow = node.parent;
  return !!arrow && ts.isArrowFunction(arrow) && arrow.body === node && isRuntimeCall(arrow.parent, name);
}


export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  let current = node.parent;
  while (current) {
    if (ts.isFunctionLike(current) && 'body' in current) return current as ts.FunctionLikeDeclaration;
    current = current.parent;
  }
  return undefined;
}

/** Walks `node` without entering nested functions. */
function someInFunction(node: ts.Node, predicate: (n: ts.Node) => boolean): boolean {
  const visit = (n: ts.Node): boolean => {
    if (predicate(n)) return true;
    if (ts.isFunctionLike(n)) return false;
    return ts.forEachChild(n, visit) ?? false;
  };
  return visit(node);
}

export function containsAwait(node: ts.Node): boolean {
  return someInFunction(node, (n) => ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier));
}

export function containsYield(node: ts.Node): boolean {
  return someInFunction(node, ts.isYieldExpression);
}

/** A statement in a loop body that would leave the callback we wrap it in: return, or break/continue out. */
export function findLoopEscape(body: ts.Block): string | undefined {
  let found: string | undefined;
  // `break` is contained by an inner loop or switch, `continue` only by an inner loop.
  const visit = (n: ts.Node, inLoop: boolean, inSwitch: boolean): void => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n)) found = 'return';
    else if (ts.isBreakStatement(n) && (n.label || !(inLoop || inSwitch))) found = 'break';
    else if (ts.isContinueStatement(n) && (n.label || !inLoop)) found = 'continue';
    else if (ts.isYieldExpression(n)) found = 'yield';
    const loop = inLoop || ts.isIterationStatement(n, false);
    const sw = inSwitch || ts.isSwitchStatement(n);
    ts.forEachChild(n, (child) => visit(child, loop, sw));
  };
  ts.forEachChild(body, (child) => visit(child, false, false));
  return found;
}
