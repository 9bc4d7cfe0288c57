import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

/** The provider packages of LangChain.js, and the provider each one's models call. */
const PROVIDER_PACKAGES: Record<string, string> = {
  '@langchain/openai': 'openai',
  '@langchain/anthropic': 'anthropic',
  '@langchain/google-genai': 'gcp.gemini',
  '@langchain/google-vertexai': 'gcp.vertex_ai',
  '@langchain/aws': 'aws.bedrock',
  '@langchain/mistralai': 'mistral_ai',
  '@langchain/cohere': 'cohere',
  '@langchain/groq': 'groq',
  '@langchain/ollama': 'ollama',
  '@langchain/deepseek': 'deepseek',
  '@langchain/xai': 'x_ai',
};

/** Classes whose provider is not their package's (Azure's models live in `@langchain/openai`). */
const PROVIDER_CLASSES: Record<string, string> = {
  AzureChatOpenAI: 'azure.ai.openai',
  AzureOpenAIEmbeddings: 'azure.ai.openai',
};

const client = {
  // A literal base URL names an OpenAI-compatible service (Groq, DeepSeek, a local Ollama) and the server.
  baseURL: ['configuration.baseURL', 'anthropicApiUrl', 'baseUrl'],
  providerByClass: PROVIDER_CLASSES,
  providerByPackage: { known: PROVIDER_PACKAGES, scope: '@langchain', except: ['@langchain/core', '@langchain/community'] },
};

/**
 * A model call on a chat model: the receiver is an instance of a class derived from `@langchain/core`'s
 * `BaseChatModel` (ChatOpenAI, ChatAnthropic, any other provider's or the project's own), or a model made from
 * one by `withConfig`/`bindTools`. A chain (`prompt.pipe(model)`, `RunnableSequence`), an agent or a lambda
 * has the same methods but is not a chat model, and is left alone: the model calls it makes run inside
 * LangChain, which no rewrite reaches.
 */
function chat(method: string): TargetSpec<LLMTarget> {
  return {
    id: `langchain.chat.${method}`,
    role: 'llm',
    match: { kind: 'method', types: ['BaseChatModel'], method, receiver: { extends: ['BaseChatModel'], through: ['withConfig', 'bindTools'] } },
    // Until the model's class, its package or, at run time, the model object says which.
    provider: 'langchain',
    operation: 'chat',
    api: 'langchain.chat',
    request: { arg: 0 },
    settingsIn: 'construction',
    settings: ['temperature', 'maxTokens', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty'],
    model: { property: ['model', 'modelName'] },
    receiverRequest: true,
    callbacks: { arg: 1, property: 'callbacks' },
    client,
  };
}

function embeddings(method: string): TargetSpec<LLMTarget> {
  return {
    id: `langchain.embeddings.${method}`,
    role: 'llm',
    match: { kind: 'method', types: ['Embeddings'], method, receiver: { extends: ['Embeddings'] } },
    provider: 'langchain',
    operation: 'embeddings',
    api: 'langchain.embeddings',
    request: { arg: 0 },
    settingsIn: 'construction',
    settings: [],
    model: { property: ['model', 'modelName'] },
    receiverRequest: true,
    client,
  };
}

/** LangChain.js: calls of chat models and embeddings, one span per call, whichever provider package runs them. */
export const langchain = defineLibrary({
  library: 'langchain',
  modules: ['@langchain/core', 'langchain', ...Object.keys(PROVIDER_PACKAGES), '@langchain/community'],
  adapter: true,
  targets: [chat('invoke'), chat('stream'), chat('batch'), embeddings('embedQuery'), embeddings('embedDocuments')],
});
