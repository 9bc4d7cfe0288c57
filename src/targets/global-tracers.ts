// Set-ups that trace a library's calls everywhere in a process, wherever its clients are made: found anywhere
// in the project, they make a second span at every call site of that library.
export interface GlobalTracer {
  /** Who traces, for the report. */
  by: string;
  /** What, written in any file of the project, turns it on. */
  marker: RegExp;
  /** The otelify libraries (targets' `library`) whose calls it traces. */
  libraries: string[];
  /**
   * `skip`: otelify leaves those call sites alone (an LLM span twice would double cost and token counts; a
   * queue library's own telemetry already carries the context);
   * `note`: the sites are instrumented and the report says where the other instrumentation is, since its
   * spans break under ESM and bundlers, which is often why otelify is brought in;
   * `unless-off`: it traces every call that does not turn it off in its own options (the target's
   * `ownTelemetry`), and otelify spans only those.
   */
  effect: 'skip' | 'note' | 'unless-off';
}

/** Sentry's server SDKs: since version 8 each sets up OpenTelemetry for the whole process when initialised. */
const SENTRY_NODE_SDK = String.raw`['"]@sentry\/(?:node|nextjs|nestjs|bun|remix|sveltekit|astro|nuxt|aws-serverless|google-cloud-serverless)['"]`;
// dd-trace patches every library it supports as soon as it is initialised (in code or by `dd-trace/init`).
const DD_TRACE_INIT = /['"]dd-trace\/init['"]|['"]dd-trace['"][\s\S]*?(?<at>\.init\s*\()/d;

const traceloop = (library: string, name: string): GlobalTracer => ({
  by: `Traceloop's ${name} instrumentation`,
  marker: new RegExp(`['"]@traceloop/instrumentation-${name}['"]`),
  libraries: [library],
  effect: 'skip',
});

export const globalTracers: readonly GlobalTracer[] = [
  { by: 'Traceloop (OpenLLMetry)', marker: /['"]@traceloop\/node-server-sdk['"]/, libraries: ['openai', 'anthropic', 'bedrock', 'cohere', 'langchain'], effect: 'skip' },
  traceloop('openai', 'openai'),
  traceloop('anthropic', 'anthropic'),
  traceloop('bedrock', 'bedrock'),
  traceloop('cohere', 'cohere'),
  traceloop('langchain', 'langchain'),
  { by: "OpenTelemetry's OpenAI instrumentation", marker: /['"]@opentelemetry\/instrumentation-openai['"]/, libraries: ['openai'], effect: 'skip' },
  { by: "OpenInference's OpenAI instrumentation", marker: /['"]@arizeai\/openinference-instrumentation-openai['"]/, libraries: ['openai'], effect: 'skip' },
  { by: "Sentry's openAIIntegration", marker: /\bopenAIIntegration\s*\(/, libraries: ['openai'], effect: 'skip' },
  { by: "Sentry's anthropicAIIntegration", marker: /\banthropicAIIntegration\s*\(/, libraries: ['anthropic'], effect: 'skip' },
  { by: "Sentry's googleGenAIIntegration", marker: /\bgoogleGenAIIntegration\s*\(/, libraries: ['google-genai'], effect: 'skip' },
  { by: "Sentry's vercelAIIntegration", marker: /\bvercelAIIntegration\s*\(/, libraries: ['ai'], effect: 'skip' },
  // `ai` 7 has no tracing of its own: an integration registered for the process (`@ai-sdk/otel`'s, a vendor's)
  // traces every call that does not set `telemetry: { isEnabled: false }`.
  {
    by: "the AI SDK's registerTelemetry",
    // The call (where the report points), after an import of it, or of the namespace, from 'ai'.
    marker: /(?<=\bregisterTelemetry\b[^;]*?\bfrom\s*['"]ai['"][\s\S]*?)\bregisterTelemetry\s*\(|(?<=\bimport\s*\*\s*as\s+\w+\s+from\s*['"]ai['"][\s\S]*?)\.\s*registerTelemetry\s*\(|\bAI_SDK_TELEMETRY_INTEGRATIONS\s*=/,
    libraries: ['ai'],
    effect: 'unless-off',
  },
  { by: "Sentry's langChainIntegration", marker: /\blangChainIntegration\s*\(/, libraries: ['langchain'], effect: 'skip' },
  { by: "OpenInference's LangChain instrumentation", marker: /['"]@arizeai\/openinference-instrumentation-langchain['"]/, libraries: ['langchain'], effect: 'skip' },
  // LangChain's own tracing to LangSmith, turned on for the process by an environment variable set in code.
  {
    by: 'LangSmith tracing (LangChain callbacks)',
    marker: /\bprocess\.env(?:\.|\[\s*['"])(?:LANGCHAIN_TRACING_V2|LANGSMITH_TRACING(?:_V2)?)\b(?:['"]\s*\])?\s*=\s*['"`]true['"`]/,
    libraries: ['langchain'],
    effect: 'skip',
  },
  // Sentry's Node SDKs patch these clients' constructors by default once tracing is on.
  {
    by: "Sentry's default AI integrations",
    marker: new RegExp(`${SENTRY_NODE_SDK}[\\s\\S]*\\btraces(?:SampleRate|Sampler)\\b`),
    libraries: ['openai', 'anthropic', 'google-genai', 'langchain'],
    effect: 'skip',
  },
  { by: 'Datadog (dd-trace)', marker: DD_TRACE_INIT, libraries: ['openai', 'anthropic', 'google-genai', 'bedrock', 'ai', 'langchain'], effect: 'skip' },
  { by: 'Datadog (dd-trace)', marker: DD_TRACE_INIT, libraries: ['amqplib', 'kafkajs', 'aws-sqs', 'aws-sns', 'bullmq'], effect: 'note' },
  // Set up in code, or by loading the package's `register` entry (`import '…/register'`, `require('…/register')`).
  {
    by: "OpenTelemetry's Node auto-instrumentations",
    marker: /\bgetNodeAutoInstrumentations\s*\(|(?:\bimport\s*|\brequire\s*\(\s*)['"]@opentelemetry\/auto-instrumentations-node\/register['"]/,
    libraries: ['amqplib', 'kafkajs', 'aws-sqs', 'aws-sns'],
    effect: 'note',
  },
  { by: "OpenTelemetry's amqplib instrumentation", marker: /\bnew\s+AmqplibInstrumentation\s*\(/, libraries: ['amqplib'], effect: 'note' },
  { by: "OpenTelemetry's kafkajs instrumentation", marker: /\bnew\s+KafkaJsInstrumentation\s*\(/, libraries: ['kafkajs'], effect: 'note' },
  { by: "OpenTelemetry's AWS SDK instrumentation", marker: /\bnew\s+AwsInstrumentation\s*\(/, libraries: ['aws-sqs', 'aws-sns'], effect: 'note' },
  { by: "the Pub/Sub client's own tracing", marker: /\benableOpenTelemetryTracing\s*:\s*true\b/, libraries: ['gcp-pubsub'], effect: 'note' },
  { by: "Azure's OpenTelemetry plugin", marker: /\bcreateAzureSdkInstrumentation\s*\(/, libraries: ['azure-service-bus'], effect: 'note' },
];

const ANY_MARKER = /traceloop|instrumentation-openai|openinference|Integration\s*\(|dd-trace|getNodeAutoInstrumentations|auto-instrumentations-node\/register|Instrumentation\s*\(|@sentry\/|enableOpenTelemetryTracing|registerTelemetry|AI_SDK_TELEMETRY_INTEGRATIONS|LANGCHAIN_TRACING_V2|LANGSMITH_TRACING/;

/** Where the project turns on a tracer of a library: `library → { by, where }`, `where` as `file:line`. */
export function findGlobalTracers(sources: { path: string; text: string }[], describe: (path: string) => string): Map<string, { by: string; where: string; effect: GlobalTracer['effect'] }> {
  const found = new Map<string, { by: string; where: string; effect: GlobalTracer['effect'] }>();
  // One quick look per file for anything any marker needs; the markers run only on the few files that pass.
  const mentions = sources.filter((source) => ANY_MARKER.test(source.text));
  for (const tracer of globalTracers) {
    for (const source of mentions) {
      // The cheap test first: comments are blanked only in the few files where the marker appears at all.
      if (!tracer.marker.test(source.text)) continue;
      const match = tracer.marker.exec(withoutComments(source.text));
      if (!match) continue;
      const line = source.text.slice(0, match.index).split('\n').length;
      for (const library of tracer.libraries) if (!found.has(library)) found.set(library, { by: tracer.by, where: `${describe(source.path)}:${line}`, effect: tracer.effect });
      break;
    }
  }
  return found;
}

/** The text with its comments blanked (same length, so offsets and lines stay): a commented-out set-up is off. */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|(^|[^:\\])\/\/[^\n]*/g, (comment, lead: string | undefined) => (lead ?? '') + comment.slice((lead ?? '').length).replace(/[^\n]/g, ' '));
}

/**
 * Set-ups that register a tracer for the whole process. A second one next to any of them would fight it for
 * the global tracer provider, so `otelify init` refuses and names where the first is. When a marker has an
 * `at` group, the set-up is reported at that line (the `init(` call rather than the import that enables it).
 */
export interface TracingSetup {
  by: string;
  marker: RegExp;
}

export const tracingSetups: readonly TracingSetup[] = [
  { by: "OpenTelemetry's NodeSDK", marker: /\bnew\s+NodeSDK\s*\(|\bstartNodeSDK\s*\(/ },
  { by: "OpenTelemetry's registerInstrumentations", marker: /\bregisterInstrumentations\s*\(/ },
  { by: 'a NodeTracerProvider registered globally', marker: /\bnew\s+NodeTracerProvider\s*\([\s\S]*?\.register\s*\(/ },
  { by: "Vercel's registerOTel (@vercel/otel)", marker: /['"]@vercel\/otel['"][\s\S]*?(?<at>\bregisterOTel\s*\()/d },
  { by: "Sentry's Node SDK (Sentry.init)", marker: new RegExp(`${SENTRY_NODE_SDK}[\\s\\S]*?(?<at>\\binit\\s*\\()`, 'd') },
  { by: 'Datadog (dd-trace)', marker: DD_TRACE_INIT },
  // Preloaded by a script or NODE_OPTIONS (`node -r dd-trace/init`, `--import @opentelemetry/auto-instrumentations-node/register`).
  {
    by: 'a tracer preloaded by the command line',
    marker: /(?:--require|--import|-r)[\s=]+['"]?(?:dd-trace\/init|@opentelemetry\/auto-instrumentations-node\/register|@sentry\/node\/preload)\b/,
  },
];

/** Each process-wide tracing set-up found in the texts, once per kind (its first place), as `file:line`. */
export function findTracingSetups(sources: { path: string; text: string }[], describe: (path: string) => string): { by: string; where: string }[] {
  const found: { by: string; where: string }[] = [];
  for (const setup of tracingSetups) {
    for (const source of sources) {
      if (!setup.marker.test(source.text)) continue;
      const text = withoutComments(source.text);
      const match = setup.marker.exec(text);
      if (!match) continue;
      const offset = match.indices?.groups?.at?.[0] ?? match.index;
      found.push({ by: setup.by, where: `${describe(source.path)}:${lineAt(text, offset)}` });
      break;
    }
  }
  return found;
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}
