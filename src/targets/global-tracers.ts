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
   * spans break under ESM and bundlers, which is often why otelify is brought in.
   */
  effect: 'skip' | 'note';
}

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
    marker: /['"]@sentry\/(?:node|nextjs|nestjs|bun|remix|sveltekit|astro|nuxt|aws-serverless|google-cloud-serverless)['"][\s\S]*\btraces(?:SampleRate|Sampler)\b/,
    libraries: ['openai', 'anthropic', 'google-genai', 'langchain'],
    effect: 'skip',
  },
  // dd-trace patches every library it supports as soon as it is initialised (in code or by `dd-trace/init`).
  { by: 'Datadog (dd-trace)', marker: /['"]dd-trace\/init['"]|['"]dd-trace['"][\s\S]*\.init\s*\(/, libraries: ['openai', 'anthropic', 'google-genai', 'bedrock', 'ai', 'langchain'], effect: 'skip' },
  { by: 'Datadog (dd-trace)', marker: /['"]dd-trace\/init['"]|['"]dd-trace['"][\s\S]*\.init\s*\(/, libraries: ['amqplib', 'kafkajs', 'aws-sqs', 'aws-sns', 'bullmq'], effect: 'note' },
  { by: "OpenTelemetry's Node auto-instrumentations", marker: /\bgetNodeAutoInstrumentations\s*\(/, libraries: ['amqplib', 'kafkajs', 'aws-sqs', 'aws-sns'], effect: 'note' },
  { by: "OpenTelemetry's amqplib instrumentation", marker: /\bnew\s+AmqplibInstrumentation\s*\(/, libraries: ['amqplib'], effect: 'note' },
  { by: "OpenTelemetry's kafkajs instrumentation", marker: /\bnew\s+KafkaJsInstrumentation\s*\(/, libraries: ['kafkajs'], effect: 'note' },
  { by: "OpenTelemetry's AWS SDK instrumentation", marker: /\bnew\s+AwsInstrumentation\s*\(/, libraries: ['aws-sqs', 'aws-sns'], effect: 'note' },
];

const ANY_MARKER = /traceloop|instrumentation-openai|openinference|Integration\s*\(|dd-trace|getNodeAutoInstrumentations|Instrumentation\s*\(|@sentry\/|LANGCHAIN_TRACING_V2|LANGSMITH_TRACING/;

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
