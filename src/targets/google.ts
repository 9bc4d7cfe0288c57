import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

function call(method: string, operation: string, api: string): TargetSpec<LLMTarget> {
  return {
    id: `google-genai.models.${method}`,
    role: 'llm',
    match: { kind: 'method', types: ['Models'], method, via: 'models' },
    provider: 'gcp.gemini',
    operation,
    api,
    request: { arg: 0 },
    settings: ['temperature', 'maxOutputTokens', 'topP', 'topK', 'seed', 'candidateCount', 'presencePenalty', 'frequencyPenalty'].map((s) => `config.${s}`),
    model: { property: 'model' },
    client: { providerByOption: { vertexai: 'gcp.vertex_ai' } },
  };
}

/** A chat session's turn (`ai.chats.create({ model })`, then `chat.sendMessage({ message })`): a generateContent call. */
function chatTurn(method: string, api: string): TargetSpec<LLMTarget> {
  const turn = call(method, 'generate_content', api);
  return {
    ...turn,
    id: `google-genai.chat.${method}`,
    match: { kind: 'method', types: ['Chat'], method },
    settings: turn.settings ?? [],
    model: { property: 'model', createdBy: 'create' },
  };
}

/** `@google/genai`: Gemini through the Gemini API or Vertex AI (`new GoogleGenAI({ vertexai: true })`). */
export const google = defineLibrary({
  library: 'google-genai',
  modules: ['@google/genai'],
  adapter: true,
  targets: [
    call('generateContent', 'generate_content', 'google.generate'),
    call('generateContentStream', 'generate_content', 'google.generate-stream'),
    call('embedContent', 'embeddings', 'google.embed'),
    chatTurn('sendMessage', 'google.generate'),
    chatTurn('sendMessageStream', 'google.generate-stream'),
  ],
});
