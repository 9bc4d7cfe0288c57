import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

/** Provider packages of the AI SDK and the provider each one's model factory stands for. */
const factories: Record<string, string> = {
  '@ai-sdk/openai': 'openai',
  '@ai-sdk/azure': 'azure.ai.openai',
  '@ai-sdk/anthropic': 'anthropic',
  '@ai-sdk/google': 'gcp.gemini',
  '@ai-sdk/google-vertex': 'gcp.vertex_ai',
  '@ai-sdk/amazon-bedrock': 'aws.bedrock',
  '@ai-sdk/mistral': 'mistral_ai',
  '@ai-sdk/cohere': 'cohere',
  '@ai-sdk/groq': 'groq',
  '@ai-sdk/deepseek': 'deepseek',
  '@ai-sdk/xai': 'x_ai',
  '@ai-sdk/perplexity': 'perplexity',
  'ollama-ai-provider': 'ollama',
  'ollama-ai-provider-v2': 'ollama',
};

function call(name: string, operation: string, api: string): TargetSpec<LLMTarget> {
  return {
    id: `ai.${name}`,
    role: 'llm',
    match: { kind: 'function', name },
    // Until the model says otherwise (its factory's import, or at run time the model object's own provider).
    provider: 'vercel.ai',
    operation,
    api,
    request: { arg: 0 },
    settings: ['temperature', 'maxOutputTokens', 'maxTokens', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty', 'seed'],
    model: { property: 'model', factories },
    // `ai` 6 names it experimental_telemetry; `ai` 7 telemetry, and reads experimental_telemetry only without it.
    // `ai` 7 traces through integrations only: `registerTelemetry(...)` is a global tracer (global-tracers.ts).
    ownTelemetry: { options: ['telemetry', 'experimental_telemetry'], integrations: { since: '7.0.0', property: 'integrations' } },
    selfTraces: {
      since: '7.0.0',
      note: 'traces a call itself when a telemetry integration is registered (`registerTelemetry`) or passed in `telemetry.integrations`, and otelify found neither for this call; one registered where otelify did not look adds its spans under otelify\'s: pass `telemetry: { isEnabled: false }` there to keep only otelify\'s',
    },
  };
}

/** Vercel's AI SDK (`ai`): one span per call of its generation functions, whatever provider runs the model. */
export const vercelAi = defineLibrary({
  library: 'ai',
  modules: ['ai'],
  adapter: true,
  targets: [
    call('generateText', 'chat', 'ai.generate'),
    call('streamText', 'chat', 'ai.stream'),
    call('generateObject', 'chat', 'ai.generate'),
    call('streamObject', 'chat', 'ai.stream'),
    call('embed', 'embeddings', 'ai.embed'),
    call('embedMany', 'embeddings', 'ai.embed'),
  ],
});
