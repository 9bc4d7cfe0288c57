// Functions of other tracing libraries that wrap an LLM client and trace every call made through it: a call
// on such a client is traced already, and a second span would double it.
export interface TracingWrapper {
  module: string;
  name: string;
  /** Who traces it, for the report. */
  by: string;
}

export const tracingWrappers: readonly TracingWrapper[] = [
  { module: 'langfuse', name: 'observeOpenAI', by: "Langfuse's observeOpenAI" },
  { module: '@langfuse/openai', name: 'observeOpenAI', by: "Langfuse's observeOpenAI" },
  { module: 'langsmith/wrappers', name: 'wrapOpenAI', by: "LangSmith's wrapOpenAI" },
  { module: 'langsmith/wrappers/openai', name: 'wrapOpenAI', by: "LangSmith's wrapOpenAI" },
  { module: 'langsmith/wrappers', name: 'wrapSDK', by: "LangSmith's wrapSDK" },
  { module: 'langsmith/wrappers/anthropic', name: 'wrapAnthropic', by: "LangSmith's wrapAnthropic" },
  { module: 'braintrust', name: 'wrapOpenAI', by: "Braintrust's wrapOpenAI" },
  { module: 'braintrust', name: 'wrapAnthropic', by: "Braintrust's wrapAnthropic" },
  { module: 'braintrust', name: 'wrapAISDK', by: "Braintrust's wrapAISDK" },
  { module: 'helicone', name: 'HeliconeProxyOpenAI', by: 'Helicone' },
  ...['@sentry/core', '@sentry/node', '@sentry/nextjs', '@sentry/bun', '@sentry/deno', '@sentry/cloudflare', '@sentry/vercel-edge'].flatMap((module) => [
    { module, name: 'instrumentOpenAiClient', by: "Sentry's instrumentOpenAiClient" },
    { module, name: 'instrumentAnthropicAiClient', by: "Sentry's instrumentAnthropicAiClient" },
    { module, name: 'instrumentGoogleGenAIClient', by: "Sentry's instrumentGoogleGenAIClient" },
  ]),
];

/**
 * LangChain callback handlers of tracing libraries (classes, or functions that make one): a model call whose
 * options or construction pass one in `callbacks` is traced by it already.
 */
export const tracingCallbacks: readonly TracingWrapper[] = [
  { module: '@langchain/core/tracers/tracer_langchain', name: 'LangChainTracer', by: "LangSmith's LangChainTracer" },
  { module: 'langsmith/langchain', name: 'getLangchainCallbacks', by: "LangSmith's getLangchainCallbacks" },
  { module: 'langfuse-langchain', name: 'CallbackHandler', by: "Langfuse's CallbackHandler" },
  { module: '@langfuse/langchain', name: 'CallbackHandler', by: "Langfuse's CallbackHandler" },
  { module: 'opik-langchain', name: 'OpikCallbackHandler', by: "Opik's OpikCallbackHandler" },
  ...['@sentry/core', '@sentry/node', '@sentry/nextjs', '@sentry/bun', '@sentry/deno', '@sentry/cloudflare', '@sentry/vercel-edge', '@sentry/browser'].map((module) => ({
    module,
    name: 'createLangChainCallbackHandler',
    by: "Sentry's createLangChainCallbackHandler",
  })),
];
