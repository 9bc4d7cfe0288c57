// Vercel's AI SDK (`ai`): the model is an object that names its provider (`openai.chat`) and id at run time.
// The rewrite leaves the call's options as they are (its generic types infer from them), so request settings
// come from the spec. Streaming calls (`streamText`, `streamObject`) return at once; the span ends when the
// result's stream has been read to its end, failed or been aborted.
import { adapters, type LLMCall, type Shape } from '../llm.js';
import { isThenable } from '../shared.js';

/** The AI SDK's provider ids (`openai.chat`, `google.generative-ai`) as GenAI provider names. */
const PROVIDERS: [RegExp, string][] = [
  [/^azure/, 'azure.ai.openai'],
  [/^openai/, 'openai'],
  [/^anthropic/, 'anthropic'],
  [/^google\.vertex/, 'gcp.vertex_ai'],
  [/^(google|gemini)/, 'gcp.gemini'],
  [/^(amazon-)?bedrock/, 'aws.bedrock'],
  [/^mistral/, 'mistral_ai'],
  [/^cohere/, 'cohere'],
  [/^groq/, 'groq'],
  [/^deepseek/, 'deepseek'],
  [/^xai/, 'x_ai'],
  [/^perplexity/, 'perplexity'],
  [/^ollama/, 'ollama'],
];

function modelOf(model: unknown): { id?: unknown; provider?: string } {
  if (typeof model === 'string') {
    // A gateway id: `openai/gpt-4o`.
    const [provider, id] = model.includes('/') ? model.split('/', 2) : [undefined, model];
    return { id, ...(provider ? { provider: providerName(provider) } : {}) };
  }
  const object = model as Shape;
  const provider = typeof object?.provider === 'string' ? providerName(object.provider) : undefined;
  return { id: object?.modelId, ...(provider ? { provider } : {}) };
}

function providerName(id: string): string {
  return PROVIDERS.find(([pattern]) => pattern.test(id))?.[1] ?? id.split('.')[0] ?? id;
}

function usage(value: Shape, call: LLMCall): void {
  // `totalUsage` adds up every step of a multi-step (tool-calling) generation; `usage` is the last step's.
  const total: Shape = value?.totalUsage ?? value?.usage;
  if (total && typeof total === 'object') {
    call.response({
      usage: {
        inputTokens: total.inputTokens ?? total.tokens,
        outputTokens: total.outputTokens,
        cacheReadTokens: total.inputTokenDetails?.cacheReadTokens ?? total.cachedInputTokens,
        cacheWriteTokens: total.inputTokenDetails?.cacheWriteTokens,
        reasoningTokens: total.outputTokenDetails?.reasoningTokens ?? total.reasoningTokens,
      },
    });
  }
  const response: Shape = value?.response;
  call.response({
    id: response?.id,
    model: response?.modelId,
    finishReasons: typeof value?.finishReason === 'string' ? { 0: value.finishReason } : {},
  });
}

function request(stream: boolean) {
  return (body: Shape, call: LLMCall) => {
    const model = modelOf(body?.model);
    call.request({
      model: model.id,
      provider: model.provider,
      temperature: body?.temperature,
      maxTokens: body?.maxOutputTokens ?? body?.maxTokens,
      topP: body?.topP,
      topK: body?.topK,
      frequencyPenalty: body?.frequencyPenalty,
      presencePenalty: body?.presencePenalty,
      seed: body?.seed,
      stream,
    });
  };
}

adapters['ai.generate'] = { request: request(false), response: usage };

adapters['ai.stream'] = {
  request: request(true),
  /**
   * The result's own settle-later promises (the ones `totalUsage` and `finishReason` return), read without
   * their getters: those start reading the stream, which only the application may do.
   */
  endsItself(value: Shape, call: LLMCall): boolean {
    const total = (value?._totalUsage ?? value?._usage)?.promise;
    if (!isThenable(total)) return false;
    const finish = value?._finishReason?.promise;
    Promise.all([total, isThenable(finish) ? finish : undefined]).then(
      ([totalUsage, finishReason]) => {
        usage({ totalUsage, finishReason }, call);
        call.end();
      },
      (error: unknown) => {
        // Stopped through its abort signal: the call was cancelled, not failed.
        if (!(error instanceof Error && error.name === 'AbortError')) call.fail(error);
        call.end();
      },
    );
    return true;
  },
};

adapters['ai.embed'] = {
  request(body: Shape, call) {
    const model = modelOf(body?.model);
    call.request({ model: model.id, provider: model.provider });
  },
  response: usage,
};
