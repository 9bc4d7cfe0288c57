import { ts } from '../typescript.cjs';
import type { LLMTarget } from '../../targets/types.js';
import type { SiteReport } from '../instrument.js';
import { RUNTIME_NAMESPACE } from '../imports.js';
import { providerFromURL } from '../../targets/llm-providers.js';
import { constantString, constructionOf, creatingCallOf, findProperty, importOrigin, isFromModules, objectLiteralOf, unwrapExpression } from '../resolve.js';
import { type FileContext } from '../context.js';
import { enclosingSendCall } from '../match/commands.js';
import { atLeast, containsAwait, containsYield, isInsideRuntimeCall, isPlainLiteral, isSideEffectFree } from '../syntax.js';
import { AWAITED_RECEIVER, tracedElsewhereReason } from './reasons.js';

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
  if (!body) return ctx.skip(site, 'no request argument');
  const traced = ownTelemetryReason(ctx, target, body);
  if (traced) return ctx.skip(site, `${traced}; a second span would double it`);
  const wrapper = receiver && ctx.tracingWrapperOf(receiver);
  if (wrapper) return ctx.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
  if (args.some((arg) => containsAwait(arg) || containsYield(arg))) return ctx.skip(site, 'an argument uses await or yield; move it to a variable first');
  // A chat session's turn: the call that made the session names the model and its settings.
  const createdWith = target.model?.createdBy && receiver ? creatingCallOf(ctx.checker, receiver, target.model.createdBy)?.arguments[0] : undefined;
  const client = llmClient(ctx, target, receiver);
  const askForUsage = streamUsageAnchor(ctx, target, body, client.provider);
  const spec = llmSpec(ctx, target, client, body, createdWith, !!askForUsage);
  const arrow = ctx.arrowFor(spanned);
  if (!arrow) return ctx.skip(site, AWAITED_RECEIVER);
  ctx.edits.wrap(spanned.getStart(ctx.file), spanned.getEnd(), `${RUNTIME_NAMESPACE}.traceLLM(${spec}, ${arrow}`, ')');
  if (askForUsage && target.streamUsage) ctx.edits.insert(askForUsage.getEnd(), `, ${target.streamUsage.property}: ${target.streamUsage.value}`);
  // A command object (not a literal) can pass through a generic identity without changing any type check.
  if (target.commandRequest) ctx.edits.wrap(node.getStart(ctx.file), node.getEnd(), `${RUNTIME_NAMESPACE}.llmRequest(`, ')');
  ctx.done(site);
}

/** What is known of the call before it runs: provider, model and server, and settings written as literals. */
function llmSpec(ctx: FileContext, target: LLMTarget, client: { provider: string; server?: string; port?: string }, body: ts.Expression | undefined, createdWith: ts.Expression | undefined, askForUsage: boolean): string {
  const model = (body && llmModel(ctx, target, body)) ?? (createdWith ? llmModel(ctx, target, createdWith) : undefined);
  const settings = target.settings;
  return ctx.style.object([
    ['provider', ctx.style.string(model?.provider ?? client.provider)],
    ['operation', ctx.style.string(target.operation)],
    ['api', ctx.style.string(target.api)],
    ['model', model?.name],
    ['server', client.server ? ctx.style.string(client.server) : undefined],
    ['port', client.port],
    ['params', settings ? ((body && literalSettings(ctx, body, settings)) ?? (createdWith ? literalSettings(ctx, createdWith, settings) : undefined)) : undefined],
    ['convention', ctx.convention === 'llm' ? undefined : ctx.style.string(ctx.convention)],
    ['streamUsage', askForUsage ? 'true' : undefined],
  ]);
}

/** `client.send(command)` of an LLM command built before: the span covers the send, and the runtime reads the command. */
export function instrumentLLMSend(ctx: FileContext, target: LLMTarget, call: ts.CallExpression, command: ts.Expression, construction: ts.NewExpression | undefined, site: SiteReport): void {
  const elsewhere = ctx.options.tracedElsewhere?.get(target.library);
  if (elsewhere?.effect === 'skip') return ctx.skip(site, tracedElsewhereReason(elsewhere, target.library));
  const receiver = (call.expression as ts.PropertyAccessExpression).expression;
  const wrapper = ctx.tracingWrapperOf(receiver);
  if (wrapper) return ctx.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
  const body = construction?.arguments?.[target.request.arg];
  const spec = llmSpec(ctx, target, { provider: target.provider }, body, undefined, false);
  const arrow = ctx.arrowFor(call);
  if (!arrow) return ctx.skip(site, AWAITED_RECEIVER);
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
function literalSettings(ctx: FileContext, body: ts.Expression, paths: string[]): string | undefined {
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
      } else if (paths.includes(path) && (isPlainLiteral(value) || (isSideEffectFree(value) && typeIsOnly(ctx, value, ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)))) {
        // A literal written in the body, or a reference to the user's setting (never its copied value).
        entries.push([property.name.text, value.getText(ctx.file)]);
      }
    }
    return entries.some(([, v]) => v !== undefined) ? ctx.style.object(entries) : undefined;
  };
  return render(literal, '');
}

/** Provider and server from the receiver's `new Client({ baseURL })`, when it is visible. */
function llmClient(ctx: FileContext, target: LLMTarget, receiver: ts.Expression | undefined): { provider: string; server?: string; port?: string } {
  const fallback = { provider: target.provider };
  if (!target.client || !receiver) return fallback;
  let root = unwrapExpression(receiver);
  while (ts.isPropertyAccessExpression(root) && !constructionOf(ctx.checker, root)) root = unwrapExpression(root.expression);
  const construction = constructionOf(ctx.checker, root);
  if (!construction) return fallback;
  const className = ts.isIdentifier(construction.expression) ? construction.expression.text : ts.isPropertyAccessExpression(construction.expression) ? construction.expression.name.text : '';
  const options = objectLiteralOf(ctx.checker, construction.arguments?.[0]);
  let provider = target.client.providerByClass?.[className];
  for (const [flag, flagged] of Object.entries(target.client.providerByOption ?? {})) {
    const set = options && findProperty(options, flag);
    if (set && ts.isPropertyAssignment(set) && set.initializer.kind === ts.SyntaxKind.TrueKeyword) provider ??= flagged;
  }
  // The first of the options naming the server that the construction writes (`baseURL`, Azure's `endpoint`).
  const option = options && [target.client.baseURL ?? []].flat().map((name) => findProperty(options, name)).find((found) => found !== undefined);
  const url = option && ts.isPropertyAssignment(option) ? constantString(ctx.checker, option.initializer) : undefined;
  const fromURL = url ? providerFromURL(url) : undefined;
  return { ...fromURL, provider: provider ?? fromURL?.provider ?? target.provider };
}

/** The model as code for the spec (a literal, or a side-effect-free read), and the provider its factory names. */
function llmModel(ctx: FileContext, target: LLMTarget, body: ts.Expression): { name?: string; provider?: string } | undefined {
  if (!target.model) return undefined;
  const literal = objectLiteralOf(ctx.checker, body);
  if (!literal || literal !== unwrapExpression(body)) return undefined;
  const property = findProperty(literal, target.model.property);
  if (!property || !(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property))) return undefined;
  const value = unwrapExpression(ts.isPropertyAssignment(property) ? property.initializer : property.name);
  if (target.model.factories) {
    if (!ts.isCallExpression(value)) return undefined;
    const provider = Object.entries(target.model.factories).find(([module]) => isFromModules(importOrigin(ctx.checker, value.expression), [module]))?.[1];
    const argument = value.arguments[0];
    const name = argument && modelCode(ctx, unwrapExpression(argument));
    return { ...(provider ? { provider } : {}), ...(name ? { name } : {}) };
  }
  const name = modelCode(ctx, value);
  return name ? { name } : undefined;
}

/**
 * The model as code: a literal written in place, else a reference to the user's constant or variable (so
 * the span follows when it changes), else the value of constants combined in place.
 */
function modelCode(ctx: FileContext, value: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(value)) return ctx.style.string(value.text);
  if (isSideEffectFree(value) && typeIsOnly(ctx, value, ts.TypeFlags.StringLike)) return value.getText(ctx.file);
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
  const registered = ctx.options.tracedElsewhere?.get(target.library);
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
