import { ts } from '../typescript.cjs';
import type { ArgRef, ArgumentKind, Target } from '../../targets/types.js';
import { POSSIBLE_SITE } from '../instrument.js';
import { constantString, declaredImportName, findProperty, importOrigin, isFromModules, isFunctionFromModules, resolveConstructor, resolveMethodCall, unwrapExpression } from '../resolve.js';
import { type FileContext } from '../context.js';
import { instrument } from '../roles/index.js';
import { endsWithChain } from '../syntax.js';
import { enclosingSendCall, isSentThroughVariable, visitCommandSend } from './commands.js';
import { visitMessageCallback } from './loops.js';

export function visitCall(ctx: FileContext, call: ts.CallExpression): void {
  const callee = call.expression;
  if (visitFunctionCall(ctx, call)) return;
  if (!ts.isPropertyAccessExpression(callee)) return;
  if (visitCommandSend(ctx, call, callee)) return;
  let matched = false;
  let possible: Target | undefined;
  /** The library's type a possible site's receiver is declared with, when the target names another. */
  let possibleType: string | undefined;
  let unclearForm: { target: Target; arg: number } | undefined;
  for (const target of ctx.index.byMethod.get(callee.name.text) ?? []) {
    if (target.role === 'consume-loop' || target.match.kind !== 'method') continue;
    // Several targets can share a method (kafkajs `run` with eachMessage or eachBatch): each applies only
    // when the call has its handler.
    if (matched && !hasOwnHandler(target, call)) continue;
    if (target.role === 'consume' && !mayHoldHandler(ctx, call.arguments[target.handler.arg], target.handler)) continue;
    if (target.match.event !== undefined && !isEventName(ctx, call.arguments[0], target.match.event)) continue;
    const { types, declaredIn, via, overload, receiver } = target.match;
    let resolution = resolveMethodCall(ctx.checker, call, callee.expression, target.modules, types, declaredIn, receiver);
    if (resolution === 'unknown' && receiver) {
      // Without types a chain (`prompt.pipe(model)`) comes from the library's imports just as a model does.
      resolution = 'no-match';
      if (mayBeUntypedSite(ctx, target, call, importOrigin(ctx.checker, callee.expression))) possible ??= target;
    } else if (resolution === 'unknown') {
      const origin = importOrigin(ctx.checker, callee.expression);
      // Declared as another of the library's types (a Vendure `JobQueueStrategy` has an `add` too): said, not rewritten.
      const declaredAs = isFromModules(origin, target.modules) ? declaredImportName(ctx.checker, callee.expression) : undefined;
      const otherType = declaredAs !== undefined && !types.includes(declaredAs) ? declaredAs : undefined;
      const fromLibrary = isFromModules(origin, target.modules) && !otherType;
      resolution = fromLibrary && (!via || endsWithChain(callee.expression, via)) ? 'match' : 'no-match';
      if (!fromLibrary && (!via || endsWithChain(callee.expression, via)) && mayBeUntypedSite(ctx, target, call, origin)) {
        possible ??= target;
        possibleType ??= otherType && `${otherType}, not as ${types.length === 1 ? types[0] : `one of ${types.join(', ')}`}`;
      }
    }
    if (resolution === 'match') {
      const form = overload && argumentKind(ctx, call.arguments[overload.arg]);
      if (overload && form === 'unknown') unclearForm ??= { target, arg: overload.arg };
      if (form && form !== overload?.is) continue;
      instrument(ctx, target, call, callee.expression);
      matched = true;
    }
  }
  if (!matched && unclearForm) {
    const site = ctx.site(unclearForm.target, call);
    if (site) ctx.skip(site, `which form of '${callee.name.text}' this is cannot be told: its argument ${unclearForm.arg + 1} has no known type here`);
    return;
  }
  if (!matched && possible) {
    const site = ctx.site(possible, call);
    const wrapper = ctx.tracingWrapperOf(callee.expression);
    if (site && wrapper) ctx.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
    else if (site && possibleType) ctx.skip(site, `${POSSIBLE_SITE}: the receiver has no type here (${ctx.whyUntyped(possible)}) and is declared as ${possibleType}`);
    else if (site) ctx.skip(site, `${POSSIBLE_SITE}: the receiver has no type here (${ctx.whyUntyped(possible)}) and does not trace back to an import of ${possible.modules[0]}`);
    return;
  }
  if (!matched) visitMessageCallback(ctx, call);
}

/**
 * A call the checker cannot judge (its receiver is `any`) that has the target's shape, in a file that names
 * the library or whose receiver comes from another module of the project: reported, never rewritten, so
 * that partial coverage is said rather than silent.
 */
function mayBeUntypedSite(ctx: FileContext, target: Target, call: ts.CallExpression, origin: string | undefined): boolean {
  if (target.role === 'consume-loop') return false;
  const receiver = (call.expression as ts.PropertyAccessExpression).expression;
  if (!(ctx.checker.getTypeAtLocation(receiver).flags & ts.TypeFlags.Any)) return false;
  const args = call.arguments;
  if (args.length === 0) return false;
  if (target.role === 'produce' && args.length < Math.min(Math.max(target.carrier.arg, 1), 2)) return false;
  if (target.role === 'llm' && !args[target.request.arg]) return false;
  const namesLibrary = target.modules.some((module) => ctx.file.text.includes(`'${module}`) || ctx.file.text.includes(`"${module}`));
  const fromProject = origin !== undefined && (origin.startsWith('.') || origin.startsWith('@/') || origin.startsWith('~/') || origin.startsWith('#'));
  if (namesLibrary) return true;
  const imported = fromProject ? ctx.options.importedLibraries?.() : undefined;
  return fromProject && (!imported || target.modules.some((module) => imported.has(module)));
}

/** `generateText(...)` or `ai.generateText(...)`: a function the library exports. */
function visitFunctionCall(ctx: FileContext, call: ts.CallExpression): boolean {
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (!name) return false;
  for (const target of ctx.index.byFunction.get(name) ?? []) {
    if (target.role === 'consume-loop') continue;
    if (isFunctionFromModules(ctx.checker, callee, target.modules)) {
      instrument(ctx, target, call, undefined);
      return true;
    }
  }
  return false;
}

/**
 * What kind of value an argument is, by its syntax or else its type: what picks one form of an overloaded
 * method. `unknown` when it has no type (plain JavaScript, `any`); `other` when it is none of the kinds.
 */
function argumentKind(ctx: FileContext, arg: ts.Expression | undefined): ArgumentKind | 'other' | 'unknown' {
  const node = arg && unwrapExpression(arg);
  if (!node) return 'other';
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) return 'string';
  if (ts.isObjectLiteralExpression(node)) return 'object';
  if (ts.isArrayLiteralExpression(node)) return 'array';
  const type = ctx.checker.getNonNullableType(ctx.checker.getTypeAtLocation(node));
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'unknown';
  const members = type.isUnion() ? type.types : [type];
  if (members.every((member) => member.flags & ts.TypeFlags.StringLike)) return 'string';
  if (members.every((member) => ctx.checker.isArrayLikeType(member))) return 'array';
  if (members.every((member) => member.flags & ts.TypeFlags.Object)) return 'object';
  return 'other';
}

function hasOwnHandler(target: Target, call: ts.CallExpression): boolean {
  return target.role === 'consume' && !!target.handler.property && !isInlineObjectWithout(call.arguments[target.handler.arg], target.handler.property);
}

/**
 * Whether `arg` can be where `ref` says the handler is. A call without that argument (NATS `subscribe(subject)`
 * returns an iterator) or an inline object that does not name the property has no such handler; a function
 * holds no handler property, and an object is no handler function. A method taking either a handler or
 * options with one is then two targets, each applying to its own shape.
 */
function mayHoldHandler(ctx: FileContext, arg: ts.Expression | undefined, ref: ArgRef): boolean {
  const inline = arg && unwrapExpression(arg);
  if (!inline) return false;
  const callable = ctx.callability(inline);
  if (!ref.property) return callable !== 'no';
  return !isInlineObjectWithout(inline, ref.property) && callable !== 'yes';
}


/** An inline options object that does not name `property` (so that handler's target does not apply). */
function isInlineObjectWithout(arg: ts.Expression | undefined, property: string): boolean {
  const object = arg && unwrapExpression(arg);
  return !!object && ts.isObjectLiteralExpression(object) && !findProperty(object, property);
}

export function visitNew(ctx: FileContext, node: ts.NewExpression): void {
  const name = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : ts.isIdentifier(node.expression) ? node.expression.text : undefined;
  if (!name) return;
  for (const target of ctx.index.byClass.get(name) ?? []) {
    if (target.role === 'consume-loop') continue;
    let resolution = resolveConstructor(ctx.checker, node, target.modules, name);
    if (resolution === 'unknown') {
      resolution = isFromModules(importOrigin(ctx.checker, node.expression), target.modules) ? 'match' : 'no-match';
    }
    if (resolution === 'match') {
      // Built into a const that is only ever sent: the sends are the call sites.
      const sendMethod = 'sendMethod' in target ? target.sendMethod : undefined;
      if (sendMethod && !enclosingSendCall(ctx, node, sendMethod) && isSentThroughVariable(ctx, node, sendMethod)) return;
      instrument(ctx, target, node, undefined);
      return;
    }
  }
}

/** `'message'` (or a constant holding it) as a listener's event name; other events are not the target's. */
function isEventName(ctx: FileContext, arg: ts.Expression | undefined, event: string): boolean {
  return !!arg && constantString(ctx.checker, arg) === event;
}
