import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

function call(method: string, operation: string, api: string, settings: string[]): TargetSpec<LLMTarget> {
  return {
    id: `ollama.${method}`,
    role: 'llm',
    // The package's default export is an `Ollama` too.
    match: { kind: 'method', types: ['Ollama'], method },
    provider: 'ollama',
    operation,
    api,
    request: { arg: 0 },
    settings,
    model: { property: 'model' },
    client: { baseURL: 'host' },
  };
}

const SETTINGS = [...['temperature', 'num_predict', 'top_p', 'top_k', 'seed', 'frequency_penalty', 'presence_penalty'].map((s) => `options.${s}`), 'stream'];

/** `ollama`: chat and generate (streamed or not) and embed, on a local or remote Ollama server. */
export const ollama = defineLibrary({
  library: 'ollama',
  modules: ['ollama'],
  adapter: true,
  targets: [
    call('chat', 'chat', 'ollama.chat', SETTINGS),
    call('generate', 'text_completion', 'ollama.generate', SETTINGS),
    call('embed', 'embeddings', 'ollama.embed', []),
  ],
});
