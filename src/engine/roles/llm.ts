import { dirname } from 'node:path';
import { ts } from '../typescript.cjs';
import type { LLMTarget } from '../../targets/types.js';
import type { SiteReport } from '../instrument.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { providerFromURL } from '../../targets/llm-providers.js';
import { constantString, constructionOf, constValueOf, creatingCallOf, findProperty, importOrigin, isFromModules, libraryInstanceOf, objectLiteralOf, packageNameOf, unwrapExpression } from '../resolve.js';
import { tracingCallbacks, type TracingWrapper } from '../../targets/tracing-wrappers.js';
import { type FileContext } from '../context.js';
import { enclosingSendCall } from '../match/commands.js';
import { atLeast, containsAwait, containsYield, isInsideRuntimeCall, isPlainLiteral, isSideEffectFree } from '../syntax.js';
import { meansTheSameAt } from '../scope.js';
import { AWAITED_RECEIVER, narrowedReason, tracedElsewhereReason } from './reasons.js';

/**
 * `client.chat.completions.create(body)` becomes
 * `otelify.traceLLM(spec, () => client.chat.completions.create(otelify.llmRequest(body)))`: the call and its
 * body stay where they are, so the SDK's overloads and contextual types (`role: 'user'`) still apply and
 * the call returns exactly what it did. The spec holds what is known before the call (provider, model,
 * server), so samplers see it when the span starts; `llmRequest` reads the rest of the body at run time.
 */
export function instrumentLLM(ctx: FileContext, target: LLMTarget, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined, site: SiteReport): void {
  const args = node.arguments ?? ts.factory.createNodeArray();
  const sendCall = target.sendMethod ? enclosingSendCall(ctx, node, target.sendMethod) : undefined;
  if (target.sendMethod && !sendCall) {
    ctx.unsentCommands.push(site);
    return ctx.skip(site, `the command is sent elsewhere: otelify spans a '${target.sendMethod}(command)' in the files it rewrites`);
  }
  const spanned = sendCall ?? node;
  if (isInsideRuntimeCall(spanned, 'traceLLM')) return ctx.already(site);
  const body = args[target.request.arg];
  if (!body && !target.request.optional) return ctx.skip(site, 'no request argument');
  const traced = body && ownTelemetryReason(ctx, target, body);
  if (traced) return ctx.skip(site, `${traced}; a second span would double it`);
  const wrapper = receiver && ctx.tracingWrapperOf(receiver);
  if (wrapper) return ctx.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
  if (args.some((arg) => containsAwait(arg) || containsYield(arg))) return ctx.skip(site, 'an argument uses await or yield; move it to a variable first');
  // A model object made by `model.withConfig(...)` is the model it was made from, as far as its construction goes.
  const through = target.match.kind === 'method' ? target.match.receiver?.through : undefined;
  const instance = receiver && through ? libraryInstanceOf(ctx.checker, receiver, through) : receiver;
  const construction = instance && target.settingsIn === 'construction' ? constructionOf(ctx.checker, rootOf(ctx, instance)) : undefined;
  const callbacks = tracingCallbackOf(ctx, target, args, construction);
  if (callbacks) return ctx.skip(site, `the call's callbacks include ${callbacks.by}, which traces it; a second span would double it`);
  // A chat session's turn: the call that made the session names the model and its settings; a LangChain model's
  // construction does the same for every call made on it.
  const createdWith = construction ? construction.arguments?.[0] : target.model?.createdBy && receiver ? creatingCallOf(ctx.checker, receiver, target.model.createdBy)?.arguments[0] : undefined;
  const client = llmClient(ctx, target, instance);
  const askForUsage = body && streamUsageAnchor(ctx, target, body, client.provider);
  const spec = llmSpec(ctx, target, client, target.settingsIn === 'construction' ? undefined : body, createdWith, !!askForUsage, spanned);
  const arrow = ctx.arrowFor(spanned);
  if (!arrow) return ctx.skip(site, AWAITED_RECEIVER);
  const narrowed = ctx.narrowedInCall(spanned);
  if (narrowed) return ctx.skip(site, narrowedReason(narrowed.getText(ctx.file)));
  ctx.edits.wrap(spanned.getStart(ctx.file), spanned.getEnd(), `${RUNTIME_NAMESPACE}.traceLLM(${spec}, ${arrow}`, ')');
  // The model object holds what its construction may not show here (a model passed in as a parameter).
  if (target.receiverRequest && receiver && receiver.kind !== ts.SyntaxKind.SuperKeyword) ctx.edits.wrap(receiver.getStart(ctx.file), receiver.getEnd(), `${RUNTIME_NAMESPACE}.llmRequest(`, ')');
  if (askForUsage && target.streamUsage) ctx.edits.insert(askForUsage.getEnd(), `, ${target.streamUsage.property}: ${target.streamUsage.value}`);
  // A command object (not a literal) can pass through a generic identity without changing any type check.
  if (target.commandRequest) ctx.edits.wrap(node.getStart(ctx.file), node.getEnd(), `${RUNTIME_NAMESPACE}.llmRequest(`, ')');
  ctx.done(site);
}

/** What is known of the call before it runs: provider, model and server, and settings written as literals. */
function llmSpec(ctx: FileContext, target: LLMTarget, client: { provider: string; server?: string; port?: string }, body: ts.Expression | undefined, createdWith: ts.Expression | undefined, askForUsage: boolean, site: ts.Node): string {
  const model = (body && llmModel(ctx, target, body, site)) ?? (createdWith ? llmModel(ctx, target, createdWith, site) : undefined);
  const settings = target.settings;
  return ctx.style.object([
    ['provider', ctx.style.string(model?.provider ?? client.provider)],
    ['operation', ctx.style.string(target.operation)],
    ['api', ctx.style.string(target.api)],
    ['model', model?.name],
    ['server', client.server ? ctx.style.string(client.server) : undefined],
    ['port', client.port],
    ['params', settings ? ((body && literalSettings(ctx, body, settings, site)) ?? (createdWith ? literalSettings(ctx, createdWith, settings, site) : undefined)) : undefined],
    ['convention', ctx.convention === 'llm' ? undefined : ctx.style.string(ctx.convention)],
    ['streamUsage', askForUsage ? 'true' : undefined],
  ]);
}

/** `client.send(command)` of an LLM command built before: the span covers the send, and the runtime reads the command. */
export function instrumentLLMSend(ctx: FileContext, target: LLMTarget, call: ts.CallExpression, command: ts.Expression, construction: ts.NewExpression | undefined, site: SiteReport): void {
  const elsewhere = ctx.tracedElsewhere?.get(target.library);
  if (elsewhere?.effect === 'skip') return ctx.skip(site, tracedElsewhereReason(elsewhere, target.library));
  const receiver = (call.expression as ts.PropertyAccessExpression).expression;
  const wrapper = ctx.tracingWrapperOf(receiver);
  if (wrapper) return ctx.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
  const body = construction?.arguments?.[target.request.arg];
  const spec = llmSpec(ctx, target, { provider: target.provider }, body, undefined, false, call);
  const arrow = ctx.arrowFor(call);
  if (!arrow) return ctx.skip(site, AWAITED_RECEIVER);
  const narrowed = ctx.narrowedInCall(call);
  if (narrowed) return ctx.skip(site, narrowedReason(narrowed.getText(ctx.file)));
  ctx.edits.wrap(call.getStart(ctx.file), call.getEnd(), `${RUNTIME_NAMESPACE}.traceLLM(${spec}, ${arrow}`, ')');
  ctx.edits.wrap(command.getStart(ctx.file), command.getEnd(), `${RUNTIME_NAMESPACE}.llmRequest(`, ')');
  ctx.done(site);
}

/**
 * With `streamUsage` on: the literal `stream: true` of an inline body that says nothing of usage, for a
 * provider that accepts the field (the usage request goes right after it). A body with a spread may set it.
 */
function streamUsageAnchor(ctx: FileContext, target: LLMTarget, body: ts.Expression, provider: string): ts.PropertyAssignment | undefined {
  if (!ctx.streamUsage || !target.streamUsage?.providers.includes(provider)) return undefined;
  const literal = unwrapExpression(body);
  if (!ts.isObjectLiteralExpression(literal) || literal.properties.some((p) => ts.isSpreadAssignment(p))) return undefined;
  if (findProperty(literal, target.streamUsage.property)) return undefined;
  const stream = findProperty(literal, 'stream');
  return stream && ts.isPropertyAssignment(stream) && stream.initializer.kind === ts.SyntaxKind.TrueKeyword ? stream : undefined;
}

/**
 * `{ temperature: 0, config: { maxOutputTokens: 256 } }`: the settings at `paths` that an inline request body
 * (or the options of an inline `new Command(...)`) writes as number or boolean literals.
 */
function literalSettings(ctx: FileContext, body: ts.Expression, paths: string[], site: ts.Node): string | undefined {
  let literal = unwrapExpression(body);
  if (ts.isNewExpression(literal) && literal.arguments?.[0]) literal = unwrapExpression(literal.arguments[0]);
  if (!ts.isObjectLiteralExpression(literal)) return undefined;
  const render = (object: ts.ObjectLiteralExpression, prefix: string): string | undefined => {
    const entries: [string, string | undefined][] = [];
    for (const property of object.properties) {
      if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
      const path = prefix + property.name.text;
      const value = unwrapExpression(property.initializer);
      if (ts.isObjectLiteralExpression(value) && paths.some((p) => p.startsWith(`${path}.`))) {
        entries.push([property.name.text, render(value, `${path}.`)]);
      } else if (paths.includes(path) && (isPlainLiteral(value) || (isSideEffectFree(value) && typeIsOnly(ctx, value, ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike) && meansTheSameAt(ctx.checker, value, site)))) {
        // A literal written in the body, or a reference to the user's setting (never its copied value).
        entries.push([property.name.text, value.getText(ctx.file)]);
      } else if (paths.includes(path)) {
        // A constant that cannot be named at the call (another module's): its value.
        const type = ctx.checker.getTypeAtLocation(value);
        if (type.isNumberLiteral()) entries.push([property.name.text, String(type.value)]);
      }
    }
    return entries.some(([, v]) => v !== undefined) ? ctx.style.object(entries) : undefined;
  };
  return render(literal, '');
}

/** The receiver, or the first object along its property chain whose construction is visible (`client` of `client.chat.completions`). */
function rootOf(ctx: FileContext, receiver: ts.Expression): ts.Expression {
  let root = unwrapExpression(receiver);
  while (ts.isPropertyAccessExpression(root) && !constructionOf(ctx.checker, root)) root = unwrapExpression(root.expression);
  return root;
}

/**
 * Provider and server from the receiver's `new Client({ baseURL })`, when it is visible, else from the class
 * the receiver's type names.
 */
function llmClient(ctx: FileContext, target: LLMTarget, receiver: ts.Expression | undefined): { provider: string; server?: string; port?: string } {
  const fallback = { provider: target.provider };
  if (!target.client || !receiver) return fallback;
  const root = rootOf(ctx, receiver);
  const construction = constructionOf(ctx.checker, root);
  const byType = providerOfType(ctx, target, receiver);
  if (!construction) return byType ? { provider: byType } : fallback;
  const className = ts.isIdentifier(construction.expression) ? construction.expression.text : ts.isPropertyAccessExpression(construction.expression) ? construction.expression.name.text : '';
  const options = objectLiteralOf(ctx.checker, construction.arguments?.[0]);
  let provider = target.client.providerByClass?.[className];
  for (const [flag, flagged] of Object.entries(target.client.providerByOption ?? {})) {
    const set = options && findProperty(options, flag);
    if (set && ts.isPropertyAssignment(set) && set.initializer.kind === ts.SyntaxKind.TrueKeyword) provider ??= flagged;
  }
  // The first of the options naming the server that the construction writes (`baseURL`, Azure's `endpoint`).
  const option = options && [target.client.baseURL ?? []].flat().map((path) => findPath(ctx, options, path)).find((found) => found !== undefined);
  const url = option && ts.isPropertyAssignment(option) ? constantString(ctx.checker, option.initializer) : undefined;
  const fromURL = url ? providerFromURL(url) : undefined;
  return { ...fromURL, provider: provider ?? fromURL?.provider ?? byType ?? target.provider };
}

/** `configuration.baseURL`: a property of an inline object, at any depth. */
function findPath(ctx: FileContext, object: ts.ObjectLiteralExpression, path: string): ts.ObjectLiteralElementLike | undefined {
  const [first, ...rest] = path.split('.');
  const found = findProperty(object, first!);
  if (rest.length === 0 || !found || !ts.isPropertyAssignment(found)) return rest.length === 0 ? found : undefined;
  const inner = objectLiteralOf(ctx.checker, found.initializer);
  return inner && findPath(ctx, inner, rest.join('.'));
}

/**
 * The provider the receiver's type says: its class or a base class (`providerByClass`), else the package that
 * declares its class (`providerByPackage`).
 */
function providerOfType(ctx: FileContext, target: LLMTarget, receiver: ts.Expression): string | undefined {
  const byClass = target.client?.providerByClass ?? {};
  const byPackage = target.client?.providerByPackage;
  let declaredIn: string | undefined;
  const seen = new Set<ts.Type>();
  const visit = (type: ts.Type): string | undefined => {
    if (seen.has(type) || seen.size > 32) return undefined;
    seen.add(type);
    const symbol = type.getSymbol();
    const known = symbol && Object.hasOwn(byClass, symbol.getName()) ? byClass[symbol.getName()] : undefined;
    if (known) return known;
    const file = symbol?.declarations?.[0]?.getSourceFile();
    if (file?.isDeclarationFile) declaredIn ??= packageOfFile(file.fileName);
    const declared = type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? (type as ts.TypeReference).target : type;
    const classLike = declared.flags & ts.TypeFlags.Object && (declared as ts.ObjectType).objectFlags & (ts.ObjectFlags.Class | ts.ObjectFlags.Interface);
    return classLike ? ctx.checker.getBaseTypes(declared as ts.InterfaceType).map(visit).find((p) => p !== undefined) : undefined;
  };
  const type = ctx.checker.getNonNullableType(ctx.checker.getTypeAtLocation(receiver));
  const fromClass = visit(type);
  if (fromClass || !byPackage || !declaredIn) return fromClass;
  if (Object.hasOwn(byPackage.known, declaredIn)) return byPackage.known[declaredIn];
  // The packages of the base classes (and of many providers' classes) say nothing of the provider.
  if (byPackage.except.includes(declaredIn) || !declaredIn.startsWith(`${byPackage.scope}/`)) return undefined;
  return declaredIn.slice(byPackage.scope.length + 1);
}

/** The package a file belongs to: the last `node_modules/<package>` of its path, else its nearest package.json's name. */
function packageOfFile(fileName: string): string | undefined {
  const path = fileName.replace(/\\/g, '/');
  const inModules = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return inModules ? inModules[1] : packageNameOf(dirname(path));
}

/** The model as code for the spec (a literal, or a side-effect-free read), and the provider its factory names. */
function llmModel(ctx: FileContext, target: LLMTarget, body: ts.Expression, site: ts.Node): { name?: string; provider?: string } | undefined {
  if (!target.model) return undefined;
  const literal = objectLiteralOf(ctx.checker, body);
  if (!literal || literal !== unwrapExpression(body)) return undefined;
  const property = [target.model.property].flat().map((name) => findProperty(literal, name)).find((found) => found !== undefined);
  if (!property || !(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property))) return undefined;
  const value = unwrapExpression(ts.isPropertyAssignment(property) ? property.initializer : property.name);
  if (target.model.factories) {
    if (!ts.isCallExpression(value)) return undefined;
    const provider = Object.entries(target.model.factories).find(([module]) => isFromModules(importOrigin(ctx.checker, value.expression), [module]))?.[1];
    const argument = value.arguments[0];
    const name = argument && modelCode(ctx, unwrapExpression(argument), site);
    return { ...(provider ? { provider } : {}), ...(name ? { name } : {}) };
  }
  const name = modelCode(ctx, value, site);
  return name ? { name } : undefined;
}

/**
 * The model as code: a literal written in place, else a reference to the user's constant or variable (so
 * the span follows when it changes), else the value of constants combined in place.
 */
function modelCode(ctx: FileContext, value: ts.Expression, site: ts.Node): string | undefined {
  if (ts.isStringLiteralLike(value)) return ctx.style.string(value.text);
  if (isSideEffectFree(value) && typeIsOnly(ctx, value, ts.TypeFlags.StringLike) && meansTheSameAt(ctx.checker, value, site)) return value.getText(ctx.file);
  const constant = constantString(ctx.checker, value);
  return constant !== undefined ? ctx.style.string(constant) : undefined;
}

/** Every member of the expression's type is of `flags` (no undefined, null or any): it fits the spec's field. */
function typeIsOnly(ctx: FileContext, node: ts.Expression, flags: ts.TypeFlags): boolean {
  const type = ctx.checker.getTypeAtLocation(node);
  const members = type.isUnion() ? type.types : [type];
  return members.every((member) => (member.flags & flags) !== 0);
}

/**
 * Why the SDK's own telemetry traces this call already, if it does (see `LLMTarget.ownTelemetry`). Before
 * the version that traces through integrations, or when the installed version is not known: the call sets
 * `isEnabled: true`. From it on: the call passes integrations, or one is registered for the process, and the
 * call does not set `isEnabled: false`; a request otelify cannot read counts as not setting it.
 */
function ownTelemetryReason(ctx: FileContext, target: LLMTarget, body: ts.Expression): string | undefined {
  const own = target.ownTelemetry;
  if (!own) return undefined;
  const found = telemetrySettings(ctx, body, own.options);
  const setting = (name: string) => (found?.settings ? findProperty(found.settings, name) : undefined);
  const isEnabled = setting('isEnabled');
  const enabled = isEnabled && ts.isPropertyAssignment(isEnabled) ? isEnabled.initializer.kind : undefined;
  const version = own.integrations && ctx.installedVersion(target.modules[0]!);
  if (!own.integrations || !version || !atLeast(version, own.integrations.since)) {
    return enabled === ts.SyntaxKind.TrueKeyword ? `the SDK's own telemetry is enabled for this call ('${found!.option}.isEnabled')` : undefined;
  }
  if (enabled === ts.SyntaxKind.FalseKeyword) return undefined;
  const integrations = setting(own.integrations.property);
  if (integrations) {
    // Integrations passed with the call replace the registered ones: an empty list turns them all off.
    const value = ts.isPropertyAssignment(integrations) ? unwrapExpression(integrations.initializer) : undefined;
    const none = value !== undefined && ts.isArrayLiteralExpression(value) && value.elements.length === 0;
    return none ? undefined : `the call passes the SDK telemetry integrations ('${found!.option}.${own.integrations.property}'), which trace it`;
  }
  const registered = ctx.tracedElsewhere?.get(target.library);
  if (registered?.effect !== 'unless-off') return undefined;
  return `${registered.by} (set up at ${registered.where}) traces every ${target.library} call that does not set '${own.options[0]}: { isEnabled: false }'`;
}

/**
 * The telemetry settings a request sets in the first of `options` it sets: inline, in a const of this file, or
 * in an object spread into it (`{ ...baseConfig, model }`). `settings` is undefined when they are not an
 * object literal otelify can read; the result is undefined when the request sets none that otelify can see.
 */
function telemetrySettings(ctx: FileContext, body: ts.Expression, options: string[], depth = 0): { option: string; settings?: ts.ObjectLiteralExpression } | undefined {
  const literal = objectLiteralOf(ctx.checker, body);
  if (!literal || depth >= 4) return undefined;
  for (const option of options) {
    const property = findProperty(literal, option);
    if (property) return { option, settings: ts.isPropertyAssignment(property) ? objectLiteralOf(ctx.checker, property.initializer) : undefined };
  }
  for (const property of literal.properties) {
    const spread = ts.isSpreadAssignment(property) ? telemetrySettings(ctx, property.expression, options, depth + 1) : undefined;
    if (spread) return spread;
  }
  return undefined;
}

/**
 * A known tracer's callback handler in the call's options (`invoke(input, { callbacks: [handler] })`) or in
 * the receiver's construction: written there, or a const of this file holding one.
 */
function tracingCallbackOf(ctx: FileContext, target: LLMTarget, args: ts.NodeArray<ts.Expression>, construction: ts.NewExpression | undefined): TracingWrapper | undefined {
  if (!target.callbacks) return undefined;
  const { property } = target.callbacks;
  for (const options of [args[target.callbacks.arg], construction?.arguments?.[0]]) {
    const literal = objectLiteralOf(ctx.checker, options);
    const element = literal && findProperty(literal, property);
    const value = element && ts.isPropertyAssignment(element) ? element.initializer : element && ts.isShorthandPropertyAssignment(element) ? element.name : undefined;
    for (const handler of value ? handlersIn(ctx, value) : []) {
      const made = constValueOf(ctx.checker, handler);
      if (!ts.isNewExpression(made) && !ts.isCallExpression(made)) continue;
      const callee = unwrapExpression(made.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const module = importOrigin(ctx.checker, callee);
      const found = tracingCallbacks.find((known) => known.name === name && isFromModules(module, [known.module]));
      if (found) return found;
    }
  }
  return undefined;
}

/** The handlers an array holds (inline or a const of this file, spreads followed). */
function handlersIn(ctx: FileContext, value: ts.Expression, depth = 0): ts.Expression[] {
  const array = constValueOf(ctx.checker, value);
  if (!ts.isArrayLiteralExpression(array) || depth > 3) return [value];
  return array.elements.flatMap((element) => (ts.isSpreadElement(element) ? handlersIn(ctx, element.expression, depth + 1) : [element]));
}
