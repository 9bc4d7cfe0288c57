import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

function call(id: string, method: string, declaredIn: string, via: string): TargetSpec<LLMTarget> {
  return {
    id: `anthropic.${id}`,
    role: 'llm',
    match: { kind: 'method', types: ['Messages'], method, declaredIn, via },
    provider: 'anthropic',
    operation: 'chat',
    api: 'anthropic.messages',
    request: { arg: 0 },
    settings: ['max_tokens', 'temperature', 'top_p', 'top_k', 'stream'],
    model: { property: 'model' },
    client: { baseURL: 'baseURL', providerByClass: { AnthropicBedrock: 'aws.bedrock', AnthropicVertex: 'gcp.vertex_ai' } },
    selfTraces: {
      since: '1.13.0',
      note: 'also emits its own span for each call (a child of otelify\'s) whenever a tracer provider is registered; ANTHROPIC_OPEN_TELEMETRY=false or the client option `openTelemetry: false` keeps only otelify\'s',
    },
  };
}

/**
 * A message thread's turn (`client.beta.messages.thread({ model })`, then `thread.send(messages, params?)`): the
 * thread was made with the model and settings, and a turn may override them in its optional params.
 */
function threadTurn(method: string): TargetSpec<LLMTarget> {
  const turn = call(`thread.${method}`, method, 'lib/threads/', 'thread');
  return {
    ...turn,
    match: { kind: 'method', types: ['BetaMessageThread'], method, declaredIn: 'lib/threads/' },
    request: { arg: 1, optional: true },
    model: { property: 'model', createdBy: 'thread' },
  };
}

/**
 * `@anthropic-ai/sdk`: messages (streamed or not, the `messages.stream()` helper, structured output through
 * `messages.parse()`), beta messages and message threads' turns too. `toolRunner()` makes its model calls inside the SDK: not a call site.
 */
export const anthropic = defineLibrary({
  library: 'anthropic',
  // The Bedrock and Vertex clients are the same SDK's clients, published apart.
  modules: ['@anthropic-ai/sdk', '@anthropic-ai/bedrock-sdk', '@anthropic-ai/vertex-sdk'],
  adapter: true,
  targets: [
    call('messages.create', 'create', 'resources/messages/', 'messages'),
    call('messages.stream', 'stream', 'resources/messages/', 'messages'),
    call('messages.parse', 'parse', 'resources/messages/', 'messages'),
    call('beta.messages.create', 'create', 'resources/beta/messages/', 'beta.messages'),
    call('beta.messages.stream', 'stream', 'resources/beta/messages/', 'beta.messages'),
    call('beta.messages.parse', 'parse', 'resources/beta/messages/', 'beta.messages'),
    threadTurn('send'),
    threadTurn('parse'),
    threadTurn('stream'),
  ],
});
