import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

const modules = ['openai'];
const client = { baseURL: ['baseURL', 'endpoint'], providerByClass: { AzureOpenAI: 'azure.ai.openai' } };
const body = { arg: 0 };
const model = { property: 'model' };

const CHAT_SETTINGS = ['temperature', 'max_tokens', 'max_completion_tokens', 'top_p', 'frequency_penalty', 'presence_penalty', 'seed', 'n', 'stream'];
const RESPONSES_SETTINGS = ['temperature', 'max_output_tokens', 'top_p', 'stream'];
const SETTINGS: Record<string, string[]> = {
  'openai.chat': CHAT_SETTINGS,
  'openai.completions': CHAT_SETTINGS.filter((s) => s !== 'max_completion_tokens'),
  'openai.responses': RESPONSES_SETTINGS,
  'openai.embeddings': [],
};

// OpenAI's own API sends a stream's usage only when asked; OpenAI-compatible servers may reject the field.
const STREAM_USAGE = { property: 'stream_options', value: '{ include_usage: true }', providers: ['openai'] };

function call(id: string, types: string[], method: string, declaredIn: string, via: string, operation: string, api: string): TargetSpec<LLMTarget> {
  return {
    id: `openai.${id}`,
    role: 'llm',
    match: { kind: 'method', types, method, declaredIn, via },
    provider: 'openai',
    operation,
    api,
    request: body,
    settings: SETTINGS[api] ?? [],
    model,
    client,
    ...(method === 'create' && (api === 'openai.chat' || api === 'openai.completions') ? { streamUsage: STREAM_USAGE } : {}),
  };
}

/** The OpenAI SDK, its Azure client and every OpenAI-compatible service reached through `new OpenAI({ baseURL })`. */
export const openai = defineLibrary({
  library: 'openai',
  modules,
  adapter: true,
  targets: [
    call('chat.completions.create', ['Completions'], 'create', 'resources/chat/completions/', 'chat.completions', 'chat', 'openai.chat'),
    call('chat.completions.parse', ['Completions'], 'parse', 'resources/chat/completions/', 'chat.completions', 'chat', 'openai.chat'),
    call('chat.completions.stream', ['Completions'], 'stream', 'resources/chat/completions/', 'chat.completions', 'chat', 'openai.chat'),
    call('responses.create', ['Responses'], 'create', 'resources/responses/', 'responses', 'chat', 'openai.responses'),
    call('responses.parse', ['Responses'], 'parse', 'resources/responses/', 'responses', 'chat', 'openai.responses'),
    call('responses.stream', ['Responses'], 'stream', 'resources/responses/', 'responses', 'chat', 'openai.responses'),
    call('beta.responses.create', ['Responses'], 'create', 'resources/beta/responses/', 'beta.responses', 'chat', 'openai.responses'),
    call('embeddings.create', ['Embeddings'], 'create', 'resources/embeddings', 'embeddings', 'embeddings', 'openai.embeddings'),
    // The legacy text completions API (`gpt-3.5-turbo-instruct`, and many OpenAI-compatible servers).
    call('completions.create', ['Completions'], 'create', 'resources/completions', 'completions', 'text_completion', 'openai.completions'),
  ],
});
