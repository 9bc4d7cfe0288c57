import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

function call(id: string, types: string[], method: string, declaredIn: string, via: string, operation: string, api: string, settings: string[]): TargetSpec<LLMTarget> {
  return {
    id: `mistral.${id}`,
    role: 'llm',
    match: { kind: 'method', types, method, declaredIn, via },
    provider: 'mistral_ai',
    operation,
    api,
    request: { arg: 0 },
    settings,
    model: { property: 'model' },
    client: { baseURL: 'serverURL' },
    selfTraces: {
      since: '2.7.0',
      note: "can also emit its own span for each call (a child of otelify's) when given a tracer provider (the `tracerProvider` option or `registerTracerProvider()`); that span records prompt and completion text",
    },
  };
}

const CHAT_SETTINGS = ['temperature', 'maxTokens', 'topP', 'randomSeed', 'n', 'frequencyPenalty', 'presencePenalty'];

/** `@mistralai/mistralai`: chat completions (streamed or not) and embeddings. */
export const mistral = defineLibrary({
  library: 'mistral',
  modules: ['@mistralai/mistralai'],
  adapter: true,
  targets: [
    call('chat.complete', ['Chat'], 'complete', 'esm/sdk/chat', 'chat', 'chat', 'mistral.chat', CHAT_SETTINGS),
    call('chat.stream', ['Chat'], 'stream', 'esm/sdk/chat', 'chat', 'chat', 'mistral.chat-stream', CHAT_SETTINGS),
    call('chat.parse', ['Chat'], 'parse', 'esm/sdk/chat', 'chat', 'chat', 'mistral.chat', CHAT_SETTINGS),
    call('embeddings.create', ['Embeddings'], 'create', 'esm/sdk/embeddings', 'embeddings', 'embeddings', 'mistral.embeddings', []),
  ],
});
