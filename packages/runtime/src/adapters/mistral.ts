// Mistral's SDK (`@mistralai/mistralai`): chat completions and embeddings, in the SDK's camelCase. Mistral
// sends usage in a stream's last chunk unasked; prompt tokens include cached ones, as OpenAI's do.
import { adapters, modelOnly, type LLMCall, type Shape } from '../llm.js';

function mistralCompletion(value: Shape, call: LLMCall): void {
  const finishReasons: Record<number, unknown> = {};
  for (const [position, choice] of (Array.isArray(value?.choices) ? value.choices : []).entries()) {
    if (choice?.finishReason) finishReasons[typeof choice.index === 'number' ? choice.index : position] = choice.finishReason;
  }
  const usage = value?.usage;
  call.response({
    id: value?.id,
    model: value?.model,
    finishReasons,
    usage: usage
      ? {
          inputTokens: usage.promptTokens,
          outputTokens: usage.completionTokens,
          // Not among the SDK's declared fields: kept as the API names it.
          cacheReadTokens: usage.promptTokensDetails?.cachedTokens ?? usage.prompt_tokens_details?.cached_tokens,
        }
      : undefined,
  });
}

function mistralChat(stream: boolean) {
  return {
    request(body: Shape, call: LLMCall) {
      call.request({
        model: body?.model,
        temperature: body?.temperature,
        maxTokens: body?.maxTokens,
        topP: body?.topP,
        seed: body?.randomSeed,
        choiceCount: body?.n,
        frequencyPenalty: body?.frequencyPenalty,
        presencePenalty: body?.presencePenalty,
        stream,
      });
    },
    response: mistralCompletion,
    // Stream events: `{ data: chunk }`.
    chunk: (event: Shape, call: LLMCall) => mistralCompletion(event?.data, call),
    iterable: stream,
  };
}

adapters['mistral.chat'] = mistralChat(false);
adapters['mistral.chat-stream'] = mistralChat(true);

adapters['mistral.embeddings'] = {
  request: modelOnly,
  response(value: Shape, call) {
    call.response({ id: value?.id, model: value?.model, usage: value?.usage ? { inputTokens: value.usage.promptTokens } : undefined });
  },
};
