// LangChain.js chat models and embeddings. The rewrite passes the model object through `llmRequest`: its
// provider, model and settings are read from it (numbers and names only). A chat model returns an
// `AIMessage` whose `usage_metadata` LangChain has already normalised (input tokens include cached ones,
// output tokens include reasoning); `stream()` returns an `IterableReadableStream` of `AIMessageChunk`s;
// `batch()` an array of messages, recorded as one span whose usage is the sum of the batch's. Embeddings
// return bare vectors: LangChain keeps no usage for them.
import { adapters, type LLMCall, type Shape } from '../llm.js';

/** What the rewrite names the provider until the model object says which (`_llmType()`). */
const LANGCHAIN_FALLBACK_PROVIDER = 'langchain';

/** LangChain's `_llmType()` names, as GenAI provider names. */
const LANGCHAIN_PROVIDERS: Record<string, string> = {
  openai: 'openai',
  azure_openai: 'azure.ai.openai',
  anthropic: 'anthropic',
  'google-genai': 'gcp.gemini',
  google_genai: 'gcp.gemini',
  'chat-google-generative-ai': 'gcp.gemini',
  vertexai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  bedrock_converse: 'aws.bedrock',
  mistral_ai: 'mistral_ai',
  mistralai: 'mistral_ai',
  cohere: 'cohere',
  groq: 'groq',
  ollama: 'ollama',
  deepseek: 'deepseek',
  xai: 'x_ai',
};

/** The model object itself: a binding made by `withConfig`/`bindTools` holds it as `bound`. */
function langchainModel(value: Shape): Shape {
  let model = value;
  for (let depth = 0; depth < 4 && model?.bound && typeof model.bound === 'object'; depth++) model = model.bound;
  return model;
}

function langchainType(model: Shape): unknown {
  return typeof model?._llmType === 'function' ? model._llmType() : undefined;
}

/** The model object's settings (or the literal settings of the spec, which use the same names). */
function langchainRequest(value: Shape, call: LLMCall): void {
  const model = langchainModel(value);
  const type = langchainType(model);
  call.request({
    model: model?.model ?? model?.modelName,
    // A class name or a literal base URL said more than LangChain's own name for it can (an OpenAI-compatible server).
    provider: call.providerName === LANGCHAIN_FALLBACK_PROVIDER && typeof type === 'string' ? LANGCHAIN_PROVIDERS[type] : undefined,
    temperature: model?.temperature,
    maxTokens: model?.maxTokens,
    topP: model?.topP,
    topK: model?.topK,
    frequencyPenalty: model?.frequencyPenalty,
    presencePenalty: model?.presencePenalty,
  });
}

interface LangChainUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  /** Fields some message reported (a missing count is unknown, not 0). */
  seen: Set<keyof Omit<LangChainUsage, 'seen'>>;
}

/** A stream's or a batch's usage so far, per call. */
const langchainUsageSoFar = new WeakMap<LLMCall, LangChainUsage>();

/**
 * Adds one message's `usage_metadata`. LangChain adds up its chunks' usage; Anthropic's stream reports output
 * tokens so far (1 at the start, the total at the end), which LangChain adds up too: for those, the largest
 * count is the call's.
 */
function addLangChainUsage(call: LLMCall, metadata: Shape, cumulativeOutput: boolean, uncachedInput: boolean): void {
  if (!metadata || typeof metadata !== 'object') return;
  const usage = langchainUsageSoFar.get(call) ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, seen: new Set() };
  langchainUsageSoFar.set(call, usage);
  const add = (field: keyof Omit<LangChainUsage, 'seen'>, value: unknown, largest = false) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    usage[field] = largest ? Math.max(usage[field], value) : usage[field] + value;
    usage.seen.add(field);
  };
  const cached = uncachedInput ? (finiteOr0(metadata.input_token_details?.cache_read) + finiteOr0(metadata.input_token_details?.cache_creation)) : 0;
  add('input', typeof metadata.input_tokens === 'number' ? metadata.input_tokens + cached : undefined);
  add('output', metadata.output_tokens, cumulativeOutput);
  add('cacheRead', metadata.input_token_details?.cache_read);
  add('cacheWrite', metadata.input_token_details?.cache_creation);
  add('reasoning', metadata.output_token_details?.reasoning);
  const known = (field: keyof Omit<LangChainUsage, 'seen'>) => (usage.seen.has(field) ? usage[field] : undefined);
  call.response({
    usage: {
      inputTokens: known('input'),
      outputTokens: known('output'),
      cacheReadTokens: known('cacheRead'),
      cacheWriteTokens: known('cacheWrite'),
      reasoningTokens: known('reasoning'),
    },
  });
}

const finiteOr0 = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Anthropic's streams, by the provider their first chunk names. */
const anthropicLangChainStreams = new WeakSet<LLMCall>();

/**
 * A message from Anthropic: LangChain 1.x names the provider; 0.x passes Anthropic's own usage through, whose
 * cache counts no other provider reports under these names.
 */
function isAnthropicMessage(metadata: Shape): boolean {
  const usage: Shape = metadata.usage;
  return metadata.model_provider === 'anthropic' || (!!usage && typeof usage === 'object' && ('cache_read_input_tokens' in usage || 'cache_creation_input_tokens' in usage));
}

/** One message (or stream chunk) at `index` of the call's results: its usage, finish reason, model and id. */
function langchainMessage(value: Shape, call: LLMCall, index: number, chunk: boolean): void {
  if (!value || typeof value !== 'object' || value instanceof Error) return;
  const metadata: Shape = value.response_metadata ?? {};
  // A model whose provider was unknown until it answered (`initChatModel`'s configurable model): LangChain
  // 1.x names it in each message.
  if (call.providerName === LANGCHAIN_FALLBACK_PROVIDER && typeof metadata.model_provider === 'string') {
    call.request({ provider: LANGCHAIN_PROVIDERS[metadata.model_provider] ?? metadata.model_provider });
  }
  const anthropic = isAnthropicMessage(metadata);
  if (chunk && anthropic) anthropicLangChainStreams.add(call);
  // OpenAI's finish_reason, or the Responses API's status; Anthropic's stop_reason (a stream's last chunk
  // carries it among its additional kwargs).
  const responseStatus = metadata.object === 'response' ? (metadata.status === 'incomplete' ? metadata.incomplete_details?.reason : metadata.status) : undefined;
  const reason = metadata.finish_reason ?? metadata.stop_reason ?? value.additional_kwargs?.stop_reason ?? responseStatus;
  const id = metadata.id ?? (typeof value.id === 'string' && !/^(lc_)?run-/.test(value.id) ? value.id : undefined);
  call.response({ id, model: metadata.model_name ?? metadata.model, finishReasons: typeof reason === 'string' ? { [index]: reason } : {} });
  // @langchain/anthropic before 1.0 counts input tokens as Anthropic does, without the cached ones; LangChain's
  // own rule (and 1.x) includes them, as the span does.
  addLangChainUsage(call, value.usage_metadata, anthropicLangChainStreams.has(call), anthropic && metadata.model_provider === undefined);
}

adapters['langchain.chat'] = {
  request: langchainRequest,
  response(value: Shape, call) {
    // `batch()`: one span for the batch; an input that failed (`returnExceptions`) makes the batch an error.
    if (Array.isArray(value)) {
      value.forEach((item, index) => langchainMessage(item, call, index, false));
      const failed = value.find((item) => item instanceof Error);
      if (failed) call.fail(failed);
      return;
    }
    langchainMessage(value, call, 0, false);
  },
  chunk(value: Shape, call) {
    langchainMessage(value, call, 0, true);
  },
  readerStream: true,
};

adapters['langchain.embeddings'] = { request: langchainRequest };
