import { ts } from './typescript.cjs';
import type { ArgRef, Destination, DestinationPart, DestinationRule } from '../targets/types.js';
import type { FileContext } from './context.js';
import { constantString, findProperty, fixedInitializerOf, unwrapExpression, valueDeclarationOf } from './resolve.js';
import { meansTheSameAt } from './scope.js';
import { enclosingFunction, isSideEffectFree, locate } from './syntax.js';

/** Calls that make a fresh name each time they run. */
const FRESH_NAME = /uuid|random|nanoid|cuid|ulid|generate|unique|tmp|temp|now\b|hrtime|assertQueue|assertExchange|createInbox|inbox/i;

/** A destination as code for the spec. */
export interface DestinationCode {
  name?: string;
  /** `messaging.destination.template`: the name with each substitution as `{expression}`. */
  template?: string;
  temporary?: boolean;
}

/**
 * The destination as code. Constants and names that stay the same from call to call name the span; a name
 * built per call is passed with its template (`orders-{region}`) or marked temporary, so it is recorded
 * without making span names high-cardinality. Of several rules, the first that names it wins.
 */
export function destinationOf(ctx: FileContext, rules: Destination | undefined, args: ts.NodeArray<ts.Expression>, receiver: ts.Expression | undefined): DestinationCode | undefined {
  if (!rules) return undefined;
  for (const rule of 'from' in rules ? [rules as DestinationRule] : rules) {
    const found = destinationBy(ctx, rule, args, receiver);
    if (found) return found;
  }
  return undefined;
}

function destinationBy(ctx: FileContext, rule: DestinationRule, args: ts.NodeArray<ts.Expression>, receiver: ts.Expression | undefined): DestinationCode | undefined {
  if (rule.from === 'receiver') {
    if (!receiver) return undefined;
    const plain = unwrapExpression(receiver);
    if (!isStableReference(plain, ctx.checker)) return undefined;
    return { name: `${plain.getText(ctx.file)}${mayBeAbsent(ctx, receiver, plain) ? '?.' : '.'}${rule.property}` };
  }
  if (rule.from === 'receiver-factory') {
    const factory = receiver && receiverFactoryCall(ctx, receiver, rule.methods);
    if (!factory || !receiver) return undefined;
    return destinationFromArgs(ctx, rule, factory.arguments, { site: receiver, borrowed: !within(factory, receiver) });
  }
  const [first] = args;
  return first ? destinationFromArgs(ctx, rule, args, { site: first, borrowed: false }) : undefined;
}

/**
 * The destination named by arguments. `site` is where the spec is written; values `borrowed` from elsewhere
 * (the call that made the receiver, a const object) are referred to only when their names mean the same there,
 * else a constant's value is copied.
 */
function destinationFromArgs(ctx: FileContext, rule: { parts: readonly DestinationPart[]; join?: string; lastSegment?: string }, args: ts.NodeArray<ts.Expression>, from: { site: ts.Node; borrowed: boolean }): DestinationCode | undefined {
  const located = rule.parts.map((part) => partValue(ctx, args, part));
  const values = located.map((l) => l?.value);
  const referable = located.map((l) => !!l && (!(from.borrowed || l.borrowed) || meansTheSameAt(ctx.checker, unwrapExpression(l.value), from.site)));
  const constants = values.map((value) => value && constantString(ctx.checker, value));
  if (constants.every((c) => c !== undefined)) {
    if (!rule.lastSegment) {
      const name = constantDestination(ctx, values as ts.Expression[], constants as string[], rule.join ?? '', referable);
      return name ? { name } : undefined;
    }
    const parts = constants.filter((c) => c).map((c) => c!.split(rule.lastSegment!).pop() ?? c!);
    const text = parts.join(rule.join ?? '');
    return text ? { name: ctx.style.string(text) } : undefined;
  }
  // Several parts, each a constant or a name that stays the same from call to call (`${EXCHANGE}:order.placed`
  // with EXCHANGE read from the environment once): referred to as they are.
  const stable = (value: ts.Expression | undefined, i: number) => constants[i] !== undefined || (!!value && referable[i] && isStableReference(unwrapExpression(value), ctx.checker) && !perCallName(ctx, value));
  if (values.length > 1 && !rule.lastSegment && values.every(stable)) {
    const name = constantDestination(ctx, values as ts.Expression[], constants, rule.join ?? '', referable);
    return name ? { name } : undefined;
  }
  const [only] = values;
  if (values.length !== 1 || rule.lastSegment || !only || !referable[0]) return undefined;
  const plain = unwrapExpression(only);
  // A template built in place: its text is evaluated again in the spec only when that has no side effects.
  if (ts.isTemplateExpression(plain)) {
    if (from.borrowed || located[0]!.borrowed) return undefined;
    return plain.templateSpans.every((span) => isSideEffectFree(unwrapExpression(span.expression))) ? { name: plain.getText(ctx.file), template: templateOf(plain, ctx.file) } : undefined;
  }
  if (isStableReference(plain, ctx.checker)) {
    const made = perCallName(ctx, plain);
    if (!made) return { name: only.getText(ctx.file) };
    return made.template !== undefined ? { name: only.getText(ctx.file), template: made.template } : { name: only.getText(ctx.file), temporary: true };
  }
  // A reply address read from the message being answered: a queue made for one requester.
  if (ts.isPropertyAccessExpression(plain) && /^reply_?to$/i.test(plain.name.text) && isSideEffectFree(plain)) return { name: plain.getText(ctx.file), temporary: true };
  return undefined;
}

/**
 * A part's value: the argument, or a property of an inline object argument or of the object literal a `const`
 * holds (`const flow = { queueName: 'q', ... }; flowProducer.add(flow)`, then `borrowed`). Of alternatives,
 * the first that holds a string.
 */
function partValue(ctx: FileContext, args: ts.NodeArray<ts.Expression>, part: DestinationPart): { value: ts.Expression; borrowed: boolean } | undefined {
  const refs: readonly ArgRef[] = 'arg' in part ? [part as ArgRef] : part;
  for (const ref of refs) {
    const found = refValue(ctx, args, ref);
    if (found && (refs.length === 1 || holdsString(ctx, found.value))) return found;
  }
  return undefined;
}

function refValue(ctx: FileContext, args: ts.NodeArray<ts.Expression>, ref: ArgRef): { value: ts.Expression; borrowed: boolean } | undefined {
  const arg = args[ref.arg];
  if (!arg) return undefined;
  if (!ref.property) return { value: arg, borrowed: false };
  const inline = locate(args, ref)?.value;
  if (inline) return { value: inline, borrowed: false };
  const held = constObjectOf(ctx, arg);
  const element = held && findProperty(held, ref.property);
  const value = element && (ts.isPropertyAssignment(element) ? element.initializer : ts.isShorthandPropertyAssignment(element) ? element.name : undefined);
  return value ? { value, borrowed: true } : undefined;
}

/** The object literal a `const` holds (not a `let`, which may be given another object before the call). */
function constObjectOf(ctx: FileContext, node: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const plain = unwrapExpression(node);
  if (!ts.isIdentifier(plain)) return undefined;
  const declaration = valueDeclarationOf(ctx.checker, plain);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) || !declaration.initializer) return undefined;
  const initializer = unwrapExpression(declaration.initializer);
  return ts.isObjectLiteralExpression(initializer) ? initializer : undefined;
}

/** A string, as far as the value's syntax or type says (an untyped value counts unless it is an object literal). */
function holdsString(ctx: FileContext, value: ts.Expression): boolean {
  const plain = unwrapExpression(value);
  if (ts.isObjectLiteralExpression(plain) || ts.isArrayLiteralExpression(plain)) return false;
  const type = ctx.checker.getTypeAtLocation(plain);
  return (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0 || (type.isUnion() && type.types.every((t) => t.flags & ts.TypeFlags.StringLike));
}

/**
 * The library call that made the receiver: the receiver itself (`pubsub.topic('orders').publishMessage(...)`),
 * or the initializer of the `const` or class field it names, when nothing else is assigned to that field.
 */
function receiverFactoryCall(ctx: FileContext, receiver: ts.Expression, methods: readonly string[]): ts.CallExpression | undefined {
  const node = unwrapExpression(receiver);
  const made = ts.isCallExpression(node) ? node : fixedInitializerOf(ctx.checker, node);
  return made && ts.isCallExpression(made) && isFactoryCall(ctx, made, methods) ? made : undefined;
}

/** `x.topic(...)` of the library (its method is declared in installed typings), or untyped. */
function isFactoryCall(ctx: FileContext, call: ts.CallExpression, methods: readonly string[]): boolean {
  const callee = unwrapExpression(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !methods.includes(callee.name.text)) return false;
  const declarations = ctx.checker.getSymbolAtLocation(callee.name)?.declarations ?? [];
  return declarations.every((d) => d.getSourceFile().isDeclarationFile && /[\\/]node_modules[\\/]/.test(d.getSourceFile().fileName));
}

function within(outer: ts.Node, inner: ts.Node): boolean {
  return outer.pos <= inner.pos && inner.end <= outer.end;
}

/**
 * A receiver the call reaches optionally (`queue?.add(...)`) or whose type allows `undefined` or `null` (its
 * `!` is not copied into the spec): its property is read with `?.`, so the spec neither throws where the call
 * would not nor stops type-checking.
 */
function mayBeAbsent(ctx: FileContext, receiver: ts.Expression, plain: ts.Expression): boolean {
  const access = receiver.parent;
  if ((ts.isPropertyAccessExpression(access) || ts.isElementAccessExpression(access)) && access.questionDotToken) return true;
  const type = ctx.checker.getTypeAtLocation(plain);
  const absent = ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void;
  return (type.isUnion() ? type.types : [type]).some((member) => member.flags & absent);
}

/**
 * A variable holding a name made inside a function, per call: a template with substitutions (its template
 * is returned), or what a call that makes fresh names returns (a server-named queue from `assertQueue('')`,
 * a `randomUUID()`). A module-level value is made once and stays.
 */
function perCallName(ctx: FileContext, node: ts.Expression): { template?: string } | undefined {
  const plain = unwrapExpression(node);
  if (!ts.isIdentifier(plain)) return undefined;
  let declaration: ts.Node | undefined = valueDeclarationOf(ctx.checker, plain);
  while (declaration && ts.isBindingElement(declaration)) declaration = declaration.parent.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !enclosingFunction(declaration)) return undefined;
  const init = unwrapExpression(declaration.initializer);
  if (ts.isTemplateExpression(init) && ts.isIdentifier(declaration.name)) return { template: templateOf(init, ctx.file) };
  // Made per call: a template, or what generates a fresh name (`randomUUID()`, `assertQueue('')`, `Date.now()`).
  // A value read from configuration (`const { topic } = config()`) stays the same from call to call.
  const made = (n: ts.Node): boolean =>
    ts.isTemplateExpression(n) || (ts.isCallExpression(n) && FRESH_NAME.test(n.expression.getText(ctx.file))) || (!ts.isFunctionLike(n) && ts.forEachChild(n, made) === true);
  return made(init) ? {} : undefined;
}

/**
 * A destination made of constants (and names that stay the same, whose value is unknown here), referring to
 * the user's constants rather than copying their values (`${EXCHANGE}:order.created`), so the span follows when
 * a constant changes; a constant whose name means something else where the spec is written is copied. Empty
 * constant parts (the default exchange) are left out, as they are of the name.
 */
function constantDestination(ctx: FileContext, values: ts.Expression[], constants: (string | undefined)[], join: string, referable: boolean[]): string | undefined {
  const pieces: ({ reference: string } | { text: string })[] = [];
  for (const [i, value] of values.entries()) {
    const constant = constants[i];
    if (constant === '') continue;
    const node = unwrapExpression(value);
    const named = ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node);
    if (constant !== undefined && (!named || !referable[i])) pieces.push({ text: constant });
    else if (referable[i]) pieces.push({ reference: node.getText(ctx.file) });
    else return undefined;
  }
  if (pieces.length === 0) return undefined;
  if (pieces.every((p) => 'text' in p)) return ctx.style.string(pieces.map((p) => ('text' in p ? p.text : '')).join(join));
  if (pieces.length === 1 && 'reference' in pieces[0]!) return pieces[0].reference;
  const escape = (text: string) => text.replace(/[\\`]/g, '\\$&').replace(/\$\{/g, '\\${');
  return `\`${pieces.map((p) => ('reference' in p ? `\${${p.reference}}` : escape(p.text))).join(escape(join))}\``;
}

/** The spec entries of a destination: its name, and what makes it unfit for a span name. */
export function destinationEntries(ctx: FileContext, destination: DestinationCode | undefined): [string, string | undefined][] {
  return [
    ['destination', destination?.name],
    ['destinationTemplate', destination?.template !== undefined ? ctx.style.string(destination.template) : undefined],
    ['temporary', destination?.temporary ? 'true' : undefined],
  ];
}

/** `` `orders-${region}` `` as the template `orders-{region}`. */
function templateOf(template: ts.TemplateExpression, file: ts.SourceFile): string {
  return template.head.text + template.templateSpans.map((span) => `{${span.expression.getText(file)}}${span.literal.text}`).join('');
}

/**
 * A name that stays the same from message to message: a variable, a member of `this` (`this.queue.name`), a
 * property of something that is not a parameter (`config.queue`), or a parameter's property that names a
 * destination (`options.topic`, `params.queueName`: a wrapper's caller names the topic, from a small set).
 * Other fields of a parameter (`msg.properties.replyTo`, `job.data.id`) are per-message data and would make
 * span names high-cardinality.
 */
const DESTINATION_PROPERTY = /^(topic|queue|subject|channel|exchange|destination|stream)(name)?$/i;

function isStableReference(node: ts.Expression, checker: ts.TypeChecker): boolean {
  if (ts.isIdentifier(node) || node.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isPropertyAccessExpression(node)) return false;
  let root: ts.Expression = node;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  if (root.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isIdentifier(root)) return false;
  const declaration = checker.getSymbolAtLocation(root)?.valueDeclaration;
  if (!declaration) return false;
  return !(ts.isParameter(declaration) || ts.isBindingElement(declaration)) || DESTINATION_PROPERTY.test(node.name.text);
}

