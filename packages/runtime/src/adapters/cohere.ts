// Cohere's v2 API (`cohere-ai`): chat and embed, in the SDK's camelCase. Token counts are the model's own
// (`usage.tokens`); where only billed units are reported, those.
import { adapters, modelOnly, type LLMCall, type Shape } from '../llm.js';

function cohereUsage(usage: Shape) {
  if (!usage) return undefined;
  const counted = usage.tokens ?? usage.billedUnits;
  return {
    inputTokens: counted?.inputTokens,
    outputTokens: counted?.outputTokens,
    cacheReadTokens: usage.cachedTokens,
  };
}

function cohereChat(stream: boolean) {
  return {
    request(body: Shape, call: LLMCall) {
      call.request({
        model: body?.model,
        temperature: body?.temperature,
        maxTokens: body?.maxTokens,
        topP: body?.p,
        topK: body?.k,
        seed: body?.seed,
        frequencyPenalty: body?.frequencyPenalty,
        presencePenalty: body?.presencePenalty,
        stream,
      });
    },
    response(value: Shape, call: LLMCall) {
      call.response({ id: value?.id, finishReasons: value?.finishReason ? { 0: value.finishReason } : {}, usage: cohereUsage(value?.usage) });
    },
    // Stream events: `message-start` carries the id, `message-end` the finish reason and usage.
    chunk(event: Shape, call: LLMCall) {
      if (event?.type === 'message-start') call.response({ id: event.id });
      else if (event?.type === 'message-end') {
        call.response({ finishReasons: event.delta?.finishReason ? { 0: event.delta.finishReason } : {}, usage: cohereUsage(event.delta?.usage) });
      }
    },
    iterable: stream,
  };
}

adapters['cohere.chat'] = cohereChat(false);
adapters['cohere.chat-stream'] = cohereChat(true);

adapters['cohere.embed'] = {
  request: modelOnly,
  response(value: Shape, call) {
    const billed = value?.meta?.billedUnits;
    call.response({ id: value?.id, usage: billed ? { inputTokens: billed.inputTokens } : undefined });
  },
};
