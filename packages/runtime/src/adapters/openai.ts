// The OpenAI API's shapes (also Azure OpenAI and every OpenAI-compatible service): chat completions,
// responses and embeddings. Token rules: `prompt_tokens`/`input_tokens` already include cached tokens.
import { adapters, modelOnly, type LLMCall, type Shape } from '../llm.js';

function outputType(format: unknown): string | undefined {
  if (format === 'json_schema' || format === 'json_object') return 'json';
  if (format === 'text') return 'text';
  return undefined;
}

/** Usage as chat completions (`prompt`, `completion`) or responses (`input`, `output`) name its counts. */
function usageOf(usage: Shape, input: string, output: string) {
  if (!usage) return undefined;
  return {
    inputTokens: usage[`${input}_tokens`],
    outputTokens: usage[`${output}_tokens`],
    cacheReadTokens: usage[`${input}_tokens_details`]?.cached_tokens,
    reasoningTokens: usage[`${output}_tokens_details`]?.reasoning_tokens,
  };
}

function chatCompletion(value: Shape, call: LLMCall): void {
  const finishReasons: Record<number, unknown> = {};
  for (const choice of Array.isArray(value?.choices) ? value.choices : []) {
    if (choice?.finish_reason) finishReasons[typeof choice.index === 'number' ? choice.index : 0] = choice.finish_reason;
  }
  call.response({
    id: value?.id,
    model: value?.model,
    finishReasons,
    usage: usageOf(value?.usage, 'prompt', 'completion'),
  });
}

function chatRequest(body: Shape, call: LLMCall): void {
  call.request({
    model: body?.model,
    temperature: body?.temperature,
    maxTokens: body?.max_completion_tokens ?? body?.max_tokens,
    topP: body?.top_p,
    frequencyPenalty: body?.frequency_penalty,
    presencePenalty: body?.presence_penalty,
    seed: body?.seed,
    choiceCount: body?.n,
    stream: body?.stream,
    outputType: outputType(body?.response_format?.type),
  });
}

/** The last chunk of a stream asked for its usage: no choices, only usage. */
const usageOnly = (chunk: Shape) => Array.isArray(chunk?.choices) && chunk.choices.length === 0 && chunk.usage != null;

adapters['openai.chat'] = {
  request: chatRequest,
  usageOnly,
  prompt: (body: Shape) => body?.messages,
  response: chatCompletion,
  chunk(value: Shape, call) {
    // Chunks of a stream, and the final completion a stream helper assembles.
    if (value?.object === 'chat.completion.chunk' || value?.object === 'chat.completion') chatCompletion(value, call);
  },
};

function response(value: Shape, call: LLMCall): void {
  const reason = value?.status === 'incomplete' ? value?.incomplete_details?.reason : value?.status;
  call.response({
    id: value?.id,
    model: value?.model,
    finishReasons: reason ? { 0: reason } : {},
    usage: usageOf(value?.usage, 'input', 'output'),
  });
}

adapters['openai.responses'] = {
  request(body: Shape, call) {
    call.request({
      model: body?.model,
      temperature: body?.temperature,
      maxTokens: body?.max_output_tokens,
      topP: body?.top_p,
      stream: body?.stream,
      outputType: outputType(body?.text?.format?.type),
    });
  },
  prompt: (body: Shape) => (body?.input === undefined ? undefined : [body.instructions ?? null, body.input]),
  response(value: Shape, call) {
    if (value?.object === 'response') response(value, call);
  },
  chunk(value: Shape, call) {
    // Stream events; the last one (completed, incomplete or failed) carries the whole response with usage.
    if (typeof value?.type === 'string' && value.response?.object === 'response') response(value.response, call);
    else if (value?.object === 'response') response(value, call);
  },
};

// Text completions: chat's settings and usage; its chunks and responses are `text_completion` objects.
adapters['openai.completions'] = {
  request: chatRequest,
  usageOnly,
  prompt: (body: Shape) => body?.prompt,
  response: chatCompletion,
  chunk(value: Shape, call) {
    if (value?.object === 'text_completion') chatCompletion(value, call);
  },
};

adapters['openai.embeddings'] = {
  request: modelOnly,
  prompt: (body: Shape) => body?.input,
  response(value: Shape, call) {
    call.response({ model: value?.model, usage: value?.usage ? { inputTokens: value.usage.prompt_tokens } : undefined });
  },
};
