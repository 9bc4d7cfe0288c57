// Google's Gen AI SDK (`@google/genai`, Gemini API and Vertex AI). Gemini counts thinking tokens apart from
// the candidates' tokens and bills both as output, so output tokens are their sum.
import { adapters, modelOnly, type LLMCall, type Shape } from '../llm.js';

function content(value: Shape, call: LLMCall): void {
  const usage = value?.usageMetadata;
  const finishReasons: Record<number, unknown> = {};
  for (const [position, candidate] of (Array.isArray(value?.candidates) ? value.candidates : []).entries()) {
    if (candidate?.finishReason) finishReasons[typeof candidate.index === 'number' ? candidate.index : position] = candidate.finishReason;
  }
  const thoughts = typeof usage?.thoughtsTokenCount === 'number' ? usage.thoughtsTokenCount : undefined;
  const candidates = typeof usage?.candidatesTokenCount === 'number' ? usage.candidatesTokenCount : undefined;
  call.response({
    id: value?.responseId,
    model: value?.modelVersion,
    finishReasons,
    usage: usage
      ? {
          inputTokens: usage.promptTokenCount,
          outputTokens: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
          cacheReadTokens: usage.cachedContentTokenCount,
          reasoningTokens: thoughts,
        }
      : undefined,
  });
}

function generate(stream: boolean) {
  return {
    request(body: Shape, call: LLMCall) {
      const config = body?.config;
      call.request({
        model: body?.model,
        temperature: config?.temperature,
        maxTokens: config?.maxOutputTokens,
        topP: config?.topP,
        topK: config?.topK,
        frequencyPenalty: config?.frequencyPenalty,
        presencePenalty: config?.presencePenalty,
        seed: config?.seed,
        choiceCount: config?.candidateCount,
        stream,
        outputType: config?.responseMimeType === 'application/json' ? 'json' : config?.responseMimeType === 'text/plain' ? 'text' : undefined,
      });
    },
    response: content,
    chunk: content,
  };
}

adapters['google.generate'] = generate(false);
adapters['google.generate-stream'] = generate(true);

// Embedding responses carry no token counts on the Gemini API.
adapters['google.embed'] = {
  request: modelOnly,
};
