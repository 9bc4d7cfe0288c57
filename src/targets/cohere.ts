import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

function call(method: string, operation: string, api: string, settings: string[]): TargetSpec<LLMTarget> {
  return {
    id: `cohere.${method}`,
    role: 'llm',
    // `new CohereClientV2()`'s methods, and the same ones as `new CohereClient().v2`.
    match: { kind: 'method', types: ['CohereClientV2', 'V2Client'], method, declaredIn: 'api/resources/v2/client/' },
    provider: 'cohere',
    operation,
    api,
    request: { arg: 0 },
    settings,
    model: { property: 'model' },
    client: { baseURL: 'baseUrl' },
  };
}

const CHAT_SETTINGS = ['temperature', 'maxTokens', 'p', 'k', 'seed', 'frequencyPenalty', 'presencePenalty'];

/** `cohere-ai`: the v2 API's chat (streamed or not) and embed. The v1 `CohereClient.chat` is left alone. */
export const cohere = defineLibrary({
  library: 'cohere',
  modules: ['cohere-ai'],
  adapter: true,
  targets: [call('chat', 'chat', 'cohere.chat', CHAT_SETTINGS), call('chatStream', 'chat', 'cohere.chat-stream', CHAT_SETTINGS), call('embed', 'embeddings', 'cohere.embed', [])],
});
