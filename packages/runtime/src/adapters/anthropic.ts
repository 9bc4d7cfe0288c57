// Anthropic's Messages API (also through Bedrock's and Vertex's Anthropic clients). Anthropic reports input
// tokens without the cached ones; the span's input tokens include them, as the GenAI conventions ask.
import { adapters, type LLMCall, type Shape } from '../llm.js';

interface AnthropicUsage {
  input?: number | undefined;
  cacheRead?: number | undefined;
  cacheWrite?: number | undefined;
  output?: number | undefined;
}

/** A stream reports usage in parts (message_start, then message_delta): the parts seen so far, per call. */
const usageSoFar = new WeakMap<LLMCall, AnthropicUsage>();

function numberOr(value: unknown, fallback: number | undefined): number | undefined {
  return typeof value === 'number' ? value : fallback;
}

function addUsage(usage: Shape, call: LLMCall): void {
  if (!usage) return;
  const seen = usageSoFar.get(call) ?? {};
  const parts: AnthropicUsage = {
    input: numberOr(usage.input_tokens, seen.input),
    cacheRead: numberOr(usage.cache_read_input_tokens, seen.cacheRead),
    cacheWrite: numberOr(usage.cache_creation_input_tokens, seen.cacheWrite),
    output: numberOr(usage.output_tokens, seen.output),
  };
  usageSoFar.set(call, parts);
  const cached = (parts.cacheRead ?? 0) + (parts.cacheWrite ?? 0);
  call.response({
    usage: {
      inputTokens: parts.input === undefined ? undefined : parts.input + cached,
      outputTokens: parts.output,
      cacheReadTokens: parts.cacheRead,
      cacheWriteTokens: parts.cacheWrite,
    },
  });
}

function message(value: Shape, call: LLMCall): void {
  call.response({ id: value?.id, model: value?.model, finishReasons: value?.stop_reason ? { 0: value.stop_reason } : {} });
  addUsage(value?.usage, call);
}

adapters['anthropic.messages'] = {
  request(body: Shape, call) {
    call.request({
      model: body?.model,
      temperature: body?.temperature,
      maxTokens: body?.max_tokens,
      topP: body?.top_p,
      topK: body?.top_k,
      stream: body?.stream,
    });
  },
  prompt: (body: Shape) => (body?.messages === undefined ? undefined : [body.system ?? null, body.messages]),
  response(value: Shape, call) {
    if (value?.type === 'message') message(value, call);
  },
  chunk(value: Shape, call) {
    if (value?.type === 'message') message(value, call);
    else if (value?.type === 'message_start') message(value.message, call);
    else if (value?.type === 'message_delta') {
      if (value.delta?.stop_reason) call.response({ finishReasons: { 0: value.delta.stop_reason } });
      addUsage(value.usage, call);
    }
  },
};
