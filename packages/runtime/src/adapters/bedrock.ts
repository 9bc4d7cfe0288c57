// AWS Bedrock Runtime: Converse (streamed or not) and InvokeModel. Converse reports cached input tokens apart
// from `inputTokens`; the span's input tokens include them.
import { adapters, type LLMCall, type Shape } from '../llm.js';
import { decodeText } from '../shared.js';

function converseUsage(usage: Shape, call: LLMCall): void {
  if (!usage) return;
  const cacheRead = typeof usage.cacheReadInputTokens === 'number' ? usage.cacheReadInputTokens : undefined;
  const cacheWrite = typeof usage.cacheWriteInputTokens === 'number' ? usage.cacheWriteInputTokens : undefined;
  const input = typeof usage.inputTokens === 'number' ? usage.inputTokens + (cacheRead ?? 0) + (cacheWrite ?? 0) : undefined;
  call.response({ usage: { inputTokens: input, outputTokens: usage.outputTokens, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite } });
}

/** A command's input, or (from the spec) the settings written in it. */
function inputOf(request: Shape): Shape {
  return request?.input && typeof request.input === 'object' ? request.input : request;
}

function converseRequest(stream: boolean) {
  return (request: Shape, call: LLMCall) => {
    const body = inputOf(request);
    const config = body?.inferenceConfig;
    call.request({ model: body?.modelId, temperature: config?.temperature, maxTokens: config?.maxTokens, topP: config?.topP, stream });
  };
}

/** Converse's prompt: its system blocks and messages. */
function conversePrompt(request: Shape): unknown {
  const body = inputOf(request);
  return body?.messages === undefined ? undefined : [body.system ?? null, body.messages];
}

adapters['bedrock.converse'] = {
  request: converseRequest(false),
  prompt: conversePrompt,
  response(value: Shape, call) {
    if (value?.stopReason) call.response({ finishReasons: { 0: value.stopReason } });
    converseUsage(value?.usage, call);
  },
};

adapters['bedrock.converse-stream'] = {
  request: converseRequest(true),
  prompt: conversePrompt,
  streamKey: 'stream',
  chunk(event: Shape, call) {
    if (event?.messageStop?.stopReason) call.response({ finishReasons: { 0: event.messageStop.stopReason } });
    converseUsage(event?.metadata?.usage, call);
  },
};

/** Reads a JSON body (bytes or text); only its numbers and enums are used. */
function json(body: unknown): Shape {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? decodeText(body) : undefined;
  if (text === undefined) return undefined;
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Shape) : undefined;
}

function invokeRequest(command: Shape, call: LLMCall): void {
  // The model's own request format: Anthropic's, Meta's, Amazon's and Mistral's names for the same settings.
  const body = inputOf(command);
  const request = json(body?.body);
  const config = request?.textGenerationConfig;
  call.request({
    model: body?.modelId,
    temperature: request?.temperature ?? config?.temperature,
    maxTokens: request?.max_tokens ?? request?.max_gen_len ?? config?.maxTokenCount,
    topP: request?.top_p ?? config?.topP,
    topK: request?.top_k,
  });
}

// The model's own request format holds the prompt among its settings: the whole body is hashed.
function invokePrompt(command: Shape): unknown {
  const body = inputOf(command)?.body;
  return typeof body === 'string' ? body : body instanceof Uint8Array ? decodeText(body) : undefined;
}

/** Anthropic's usage: input tokens without the cached ones, which are added. */
function anthropicUsage(usage: Shape) {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return { inputTokens: usage?.input_tokens + cacheRead + cacheWrite, outputTokens: usage?.output_tokens, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite };
}

adapters['bedrock.invoke'] = {
  request: invokeRequest,
  prompt: invokePrompt,
  response(value: Shape, call) {
    const response = json(value?.body);
    const usage = response?.usage;
    if (usage && typeof usage.input_tokens === 'number') {
      call.response({ id: response?.id, model: response?.model, finishReasons: response?.stop_reason ? { 0: response.stop_reason } : {}, usage: anthropicUsage(usage) });
    } else if (typeof response?.prompt_token_count === 'number') {
      // Meta Llama models.
      call.response({
        finishReasons: response.stop_reason ? { 0: response.stop_reason } : {},
        usage: { inputTokens: response.prompt_token_count, outputTokens: response.generation_token_count },
      });
    }
  },
};

// InvokeModelWithResponseStream: `{ body }` streams `{ chunk: { bytes } }`, each the model's own stream event.
adapters['bedrock.invoke-stream'] = {
  request: invokeRequest,
  prompt: invokePrompt,
  streamKey: 'body',
  chunk(event: Shape, call) {
    const chunk = json(event?.chunk?.bytes);
    if (!chunk) return;
    if (chunk.type === 'message_start') {
      // Anthropic models: input tokens come first, output tokens with message_delta.
      call.response({ id: chunk.message?.id, model: chunk.message?.model, usage: anthropicUsage(chunk.message?.usage) });
    } else if (chunk.type === 'message_delta') {
      call.response({ finishReasons: chunk.delta?.stop_reason ? { 0: chunk.delta.stop_reason } : {}, usage: { outputTokens: chunk.usage?.output_tokens } });
    } else if (chunk.stop_reason) {
      call.response({ finishReasons: { 0: chunk.stop_reason } });
    }
    // Every model's last chunk: Bedrock's own count, used where the model's events gave none.
    const metrics = chunk['amazon-bedrock-invocationMetrics'];
    if (metrics && call.usage.inputTokens === undefined) {
      call.response({ usage: { inputTokens: metrics.inputTokenCount, outputTokens: metrics.outputTokenCount } });
    }
  },
};
