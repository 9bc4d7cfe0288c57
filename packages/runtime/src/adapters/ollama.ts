// Ollama's SDK (`ollama`): chat, generate and embed. A response (or a stream's last chunk, `done: true`)
// counts the prompt's tokens as `prompt_eval_count` and the output's as `eval_count`.
import { adapters, type LLMCall, type Shape } from '../llm.js';

function ollamaResponse(value: Shape, call: LLMCall): void {
  if (!value?.done && value?.embeddings === undefined) return;
  call.response({
    model: value?.model,
    finishReasons: value?.done_reason ? { 0: value.done_reason } : {},
    usage: { inputTokens: value?.prompt_eval_count, outputTokens: value?.eval_count },
  });
}

function ollamaRequest(body: Shape, call: LLMCall): void {
  const options = body?.options;
  call.request({
    model: body?.model,
    temperature: options?.temperature,
    maxTokens: options?.num_predict,
    topP: options?.top_p,
    topK: options?.top_k,
    seed: options?.seed,
    frequencyPenalty: options?.frequency_penalty,
    presencePenalty: options?.presence_penalty,
    stream: body?.stream,
  });
}

// A streamed call resolves to an iterator with `abort()`; a plain one to the response.
const generation = { request: ollamaRequest, response: ollamaResponse, chunk: ollamaResponse, iterable: true };
adapters['ollama.chat'] = generation;
adapters['ollama.generate'] = generation;

adapters['ollama.embed'] = { request: ollamaRequest, response: ollamaResponse };
