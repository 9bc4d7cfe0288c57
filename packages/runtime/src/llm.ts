// otelify runtime for LLM calls: every rewritten call runs in a CLIENT span that records the provider, model,
// request parameters, token usage, finish reason, cost and errors. Never the prompt or the completion: the
// adapters below read numbers and enums only, and errors are recorded by class and HTTP status, not message.
// The call returns exactly what it returned before: the SDK's own promise and stream objects are observed
// in place, never replaced.
import {
  context,
  createContextKey,
  createNoopMeter,
  metrics,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Histogram,
  type MeterProvider,
  type Span,
} from '@opentelemetry/api';
import { costOf, priceOf, type LLMUsage, type PriceTable } from './llm-prices.js';
import { errorType, instrumentationName, isThenable, later, recordError, shared, tracer } from './shared.js';

/** `llm`: otelify's `llm.*` names; `genai`: OpenTelemetry GenAI semantic conventions v1.41; `both`. */
export type LLMConvention = 'llm' | 'genai' | 'both';

/** Request settings as the body writes them, nested as in the body (`{ config: { temperature: 0 } }`). */
export interface LLMSettings {
  [name: string]: number | boolean | LLMSettings;
}

/** What the rewrite knows of a call before it runs. */
export interface LLMSpec {
  /** `gen_ai.provider.name`: openai, anthropic, aws.bedrock, gcp.gemini, ... */
  provider: string;
  /** `gen_ai.operation.name`: chat, embeddings, generate_content, ... */
  operation: string;
  /** The adapter that reads this API's shapes (`openai.chat`). */
  api: string;
  model?: string | undefined;
  server?: string;
  port?: number;
  /** Literal settings of a request body the rewrite leaves untouched (Vercel `ai`), read as the body would be. */
  params?: LLMSettings;
  convention?: LLMConvention;
  /** The rewrite asked for a stream's usage where the code did not: the usage-only chunk is kept from the code. */
  streamUsage?: boolean;
}

/** Request parameters as an adapter finds them; values of the wrong type are ignored. */
export interface LLMRequestInfo {
  model?: unknown;
  /** The provider, when only the call's model object knows it (Vercel `ai`). */
  provider?: unknown;
  temperature?: unknown;
  maxTokens?: unknown;
  topP?: unknown;
  topK?: unknown;
  frequencyPenalty?: unknown;
  presencePenalty?: unknown;
  seed?: unknown;
  choiceCount?: unknown;
  stream?: unknown;
  outputType?: unknown;
}

/** Response metadata as an adapter finds it; `usage` follows {@link LLMUsage} (input includes cached tokens). */
export interface LLMResponseInfo {
  id?: unknown;
  model?: unknown;
  /** Finish reasons by choice index. */
  finishReasons?: Record<number, unknown> | undefined;
  usage?: { [K in keyof LLMUsage]?: unknown } | undefined;
}

/**
 * An SDK object as adapters read it: any shape, every read optional (`body?.usage?.input_tokens`). `any`
 * rather than an index signature, so reads compile under `noPropertyAccessFromIndexSignature` too.
 */
export type Shape = any;

/**
 * Reads one API's request, response and stream shapes. Adapters see whole objects but pass on only numbers,
 * ids, model names and enum values.
 */
export interface LLMAdapter {
  request?(body: any, call: LLMCall): void;
  /** The parts of a request body that make up its prompt, for `llm.prompt_hash` (opt-in; never recorded as such). */
  prompt?(body: any): unknown;
  /** A complete response. */
  response?(value: any, call: LLMCall): void;
  /** One streamed chunk or event (or a helper stream's final object). */
  chunk?(value: any, call: LLMCall): void;
  /** A result that holds its stream under this key (Bedrock `{ stream }`). */
  streamKey?: string;
  /** A chunk that carries only usage (OpenAI's answer to `include_usage`). */
  usageOnly?(chunk: any): boolean;
  /** The result is a stream read by `for await` (a WHATWG `ReadableStream`, a generated SDK's `Stream`). */
  iterable?: boolean;
  /**
   * The result is a `ReadableStream` that is its own async iterator (LangChain's `IterableReadableStream`),
   * observed at its reader, so `for await`, `getReader()` and `cancel()` all end the span.
   */
  readerStream?: boolean;
  /** Takes over ending the span when the result settles later on its own (Vercel `streamText`). */
  endsItself?(value: any, call: LLMCall): boolean;
}

/** Adapters by `LLMSpec.api`; each provider's part of the runtime adds its own. */
export const adapters: Record<string, LLMAdapter> = {};

/** The request reading of an API whose only setting is the model (embeddings). */
export function modelOnly(body: Shape, call: LLMCall): void {
  call.request({ model: body?.model });
}

// The defaults, which a vendored runtime has the config's values written into; `configure()` overrides them.
let priceOverrides: PriceTable = {};
let promptHashing = false;

/** Adds or replaces model prices (USD per million tokens) used for `llm.cost_usd`. */
export function setLLMPrices(table: PriceTable): void {
  shared.prices = { ...shared.prices, ...table };
}

/**
 * Records `llm.prompt_hash`, the SHA-256 of each call's prompt, to tell calls with the same prompt apart from
 * others without recording it. Off by default: a hash of a short or guessable prompt can be reversed by trying.
 */
export function recordPromptHash(on = true): void {
  shared.promptHash = on;
}

// Node's own hash, synchronous, found without an import so the runtime still loads where there is no Node.
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as
  | { createHash(algorithm: 'sha256'): { update(text: string): { digest(encoding: 'hex'): string } } }
  | undefined;

const CALL_KEY = createContextKey('otelify llm call');

/** The GenAI client metrics (semantic conventions v1.41): the same names whatever the span convention. */
interface GenAIMetrics {
  duration: Histogram;
  tokens: Histogram;
}

const NOOP_HISTOGRAM = createNoopMeter().createHistogram('otelify.noop');
let instrumentsOf: { provider: MeterProvider; metrics: GenAIMetrics | undefined } | undefined;

/**
 * The instruments of the meter provider registered now (one may be registered after the first call), or
 * none when there is none: then a call that no span records needs no bookkeeping at all.
 */
function genAIMetrics(): GenAIMetrics | undefined {
  const provider = metrics.getMeterProvider();
  if (instrumentsOf?.provider !== provider) {
    const meter = provider.getMeter(instrumentationName());
    const duration = meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      description: 'GenAI operation duration',
      advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] },
    });
    const tokens = meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Number of input and output tokens used',
      advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] },
    });
    instrumentsOf = { provider, metrics: duration === NOOP_HISTOGRAM ? undefined : { duration, tokens } };
  }
  return instrumentsOf.metrics;
}

type Field =
  | 'provider' | 'operation' | 'model' | 'temperature' | 'maxTokens' | 'topP' | 'topK' | 'frequencyPenalty'
  | 'presencePenalty' | 'seed' | 'choiceCount' | 'stream' | 'outputType' | 'server' | 'port' | 'responseModel'
  | 'responseId' | 'finishReason' | 'finishReasons' | 'inputTokens' | 'outputTokens' | 'totalTokens' | 'cacheRead'
  | 'cacheWrite' | 'reasoning' | 'cost' | 'costMicros' | 'costCurrency' | 'costSource' | 'cacheHit' | 'errorType' | 'errorTypeGeneric'
  | 'httpStatus' | 'timeToFirstChunk' | 'promptHash';

/** Attribute names per convention: [llm, genai]; a name shared by both is written once. */
const NAMES: Record<Field, [string | undefined, string | undefined]> = {
  provider: ['llm.provider', 'gen_ai.provider.name'],
  operation: [undefined, 'gen_ai.operation.name'],
  model: ['llm.model', 'gen_ai.request.model'],
  temperature: ['llm.temperature', 'gen_ai.request.temperature'],
  maxTokens: ['llm.max_tokens', 'gen_ai.request.max_tokens'],
  topP: [undefined, 'gen_ai.request.top_p'],
  topK: [undefined, 'gen_ai.request.top_k'],
  frequencyPenalty: [undefined, 'gen_ai.request.frequency_penalty'],
  presencePenalty: [undefined, 'gen_ai.request.presence_penalty'],
  seed: [undefined, 'gen_ai.request.seed'],
  choiceCount: [undefined, 'gen_ai.request.choice.count'],
  stream: [undefined, 'gen_ai.request.stream'],
  outputType: [undefined, 'gen_ai.output.type'],
  server: ['server.address', 'server.address'],
  port: ['server.port', 'server.port'],
  responseModel: [undefined, 'gen_ai.response.model'],
  responseId: [undefined, 'gen_ai.response.id'],
  finishReason: ['llm.finish_reason', undefined],
  finishReasons: [undefined, 'gen_ai.response.finish_reasons'],
  inputTokens: ['llm.prompt_tokens', 'gen_ai.usage.input_tokens'],
  outputTokens: ['llm.response_tokens', 'gen_ai.usage.output_tokens'],
  totalTokens: ['llm.total_tokens', undefined],
  cacheRead: [undefined, 'gen_ai.usage.cache_read.input_tokens'],
  cacheWrite: [undefined, 'gen_ai.usage.cache_creation.input_tokens'],
  reasoning: [undefined, 'gen_ai.usage.reasoning.output_tokens'],
  // The GenAI conventions have no cost attribute yet; these are the names proposed for it.
  cost: ['llm.cost_usd', 'gen_ai.usage.cost.amount'],
  // The cost as a whole number of millionths of a dollar, for samplers that read integers only (the
  // Collector's `numeric_attribute` policy reads a double as 0). "Micros" as in Google Ads' `cost_micros`: the
  // llm name keeps the unit as `llm.cost_usd` does; the GenAI one sits beside the proposed amount, whose
  // currency attribute it shares (the proposal has no integer form).
  costMicros: ['llm.cost_usd_micros', 'gen_ai.usage.cost.amount_micros'],
  costCurrency: [undefined, 'gen_ai.usage.cost.currency'],
  costSource: [undefined, 'gen_ai.usage.cost.source'],
  cacheHit: ['llm.cache_hit', undefined],
  errorType: ['llm.error_type', 'error.type'],
  errorTypeGeneric: ['error.type', undefined],
  httpStatus: ['http.response.status_code', 'http.response.status_code'],
  timeToFirstChunk: [undefined, 'gen_ai.response.time_to_first_chunk'],
  // No convention names a prompt hash; both use otelify's own name.
  promptHash: ['llm.prompt_hash', 'llm.prompt_hash'],
};

const NUMBER_FIELDS = new Set<Field>(['temperature', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty']);
const INTEGER_FIELDS = new Set<Field>(['maxTokens', 'seed', 'choiceCount']);

/** The attribute names of each field, per convention, worked out once. */
const NAMES_BY_CONVENTION = Object.fromEntries(
  (['llm', 'genai', 'both'] as const).map((convention) => [
    convention,
    Object.fromEntries(
      (Object.entries(NAMES) as [Field, [string | undefined, string | undefined]][]).map(([field, [llm, genai]]) => {
        const names = convention === 'llm' ? [llm] : convention === 'genai' ? [genai] : [llm, genai];
        return [field, [...new Set(names.filter((n): n is string => n !== undefined))]];
      }),
    ) as Record<Field, string[]>,
  ]),
) as Record<LLMConvention, Record<Field, string[]>>;

/**
 * Every span attribute an LLM span may carry under a convention, besides its `exception` event's (see
 * `exceptionAttributeNames`): what a Collector that keeps only known keys must allow.
 */
export function llmAttributeNames(convention: LLMConvention, options: { promptHash?: boolean } = {}): string[] {
  const names = NAMES_BY_CONVENTION[convention] ?? NAMES_BY_CONVENTION.llm;
  const fields = (Object.keys(names) as Field[]).filter((field) => field !== 'promptHash' || options.promptHash);
  return [...new Set(fields.flatMap((field) => names[field]))].sort();
}

function attributesOf(convention: LLMConvention, values: Partial<Record<Field, AttributeValue | undefined>>): Attributes {
  const attributes: Attributes = {};
  const names = NAMES_BY_CONVENTION[convention] ?? NAMES_BY_CONVENTION.llm;
  for (const field in values) {
    const value = values[field as Field];
    if (value === undefined) continue;
    for (const name of names[field as Field]) attributes[name] = value;
  }
  return attributes;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function name(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Runs an adapter step; telemetry never fails the call. */
function guard(step: () => void): void {
  try {
    step();
  } catch {
    // An unexpected shape only costs an attribute.
  }
}

/** The error's HTTP status, when the SDK put one on it. */
function httpStatus(error: unknown): number | undefined {
  const status =
    typeof error === 'object' && error !== null ? (error as { status?: unknown; statusCode?: unknown; status_code?: unknown; $metadata?: { httpStatusCode?: unknown } }) : undefined;
  // Stainless SDKs name it `status`, generated ones (Mistral, Cohere) `statusCode`, Ollama `status_code`, AWS
  // `$metadata.httpStatusCode`.
  const value = status?.status ?? status?.statusCode ?? status?.status_code ?? status?.$metadata?.httpStatusCode;
  return typeof value === 'number' && value >= 100 && value < 600 ? value : undefined;
}

/** One LLM call in flight: its span, and what the adapter has read of it so far. */
export class LLMCall {
  readonly usage: LLMUsage = {};
  private readonly finishReasons = new Map<number, string>();
  private requestModel: string | undefined;
  private responseModel: string | undefined;
  private firstChunkAt: number | undefined;
  private readonly startedAt = Date.now();
  private provider: string;
  private failure: string | undefined;
  private ended = false;

  readonly span: Span;
  private readonly spec: LLMSpec;
  readonly adapter: LLMAdapter;
  private readonly convention: LLMConvention;
  private readonly metrics: GenAIMetrics | undefined;

  // Fields assigned one by one, not as parameter properties, so the file is erasable syntax only.
  constructor(span: Span, spec: LLMSpec, adapter: LLMAdapter, convention: LLMConvention, metrics?: GenAIMetrics) {
    this.span = span;
    this.spec = spec;
    this.adapter = adapter;
    this.convention = convention;
    this.metrics = metrics;
    this.requestModel = name(spec.model);
    this.provider = spec.provider;
  }

  /** The provider as known so far (the spec's, or what the call said since). */
  get providerName(): string {
    return this.provider;
  }

  private set(values: Partial<Record<Field, AttributeValue | undefined>>): void {
    if (!this.ended) this.span.setAttributes(attributesOf(this.convention, values));
  }

  request(info: LLMRequestInfo): void {
    const values: Partial<Record<Field, AttributeValue | undefined>> = {};
    const provider = name(info.provider);
    if (provider && provider !== this.provider) values.provider = this.provider = provider;
    const model = name(info.model);
    if (model && model !== this.requestModel) {
      this.requestModel = model;
      values.model = model;
      this.span.updateName(`${this.spec.operation} ${model}`);
    }
    for (const field of ['temperature', 'maxTokens', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty', 'seed', 'choiceCount'] as const) {
      const value = info[field];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (INTEGER_FIELDS.has(field) && !Number.isInteger(value)) continue;
      // The conventions ask for the choice count only when it is not 1.
      if (field === 'choiceCount' && value === 1) continue;
      if (NUMBER_FIELDS.has(field) || INTEGER_FIELDS.has(field)) values[field] = value;
    }
    if (info.stream === true) values.stream = true;
    values.outputType = name(info.outputType);
    this.set(values);
  }

  /** The request body the SDK sent (or is about to send). */
  requestBody(body: unknown): void {
    guard(() => this.adapter.request?.(body, this));
    if (!(shared.promptHash ?? promptHashing) || !this.adapter.prompt || !nodeCrypto) return;
    guard(() => {
      const prompt = this.adapter.prompt!(body);
      if (prompt === undefined) return;
      const text = typeof prompt === 'string' ? prompt : JSON.stringify(prompt);
      this.set({ promptHash: nodeCrypto.createHash('sha256').update(text).digest('hex') });
    });
  }

  response(info: LLMResponseInfo): void {
    const values: Partial<Record<Field, AttributeValue | undefined>> = {};
    const id = name(info.id);
    if (id) values.responseId = id;
    const model = name(info.model);
    if (model) {
      this.responseModel = model;
      values.responseModel = model;
    }
    for (const [index, reason] of Object.entries(info.finishReasons ?? {})) {
      const text = name(reason);
      if (text) this.finishReasons.set(Number(index), text);
    }
    for (const key of Object.keys(info.usage ?? {}) as (keyof LLMUsage)[]) {
      const value = count(info.usage?.[key]);
      if (value !== undefined) this.usage[key] = value;
    }
    this.set(values);
  }

  /** A streamed chunk arrived. */
  chunk(value: unknown): void {
    if (this.firstChunkAt === undefined) {
      this.firstChunkAt = Date.now();
      this.set({ timeToFirstChunk: (this.firstChunkAt - this.startedAt) / 1000 });
    }
    guard(() => this.adapter.chunk?.(value, this));
  }

  /** A complete result arrived. */
  result(value: unknown): void {
    guard(() => this.adapter.response?.(value, this));
  }

  fail(error: unknown): void {
    if (this.ended || this.failure !== undefined) return;
    const type = (this.failure = errorType(error));
    this.set({ errorType: type, errorTypeGeneric: type, httpStatus: httpStatus(error) });
    // The exception's class only unless the project asked for more: provider error messages can quote the request.
    recordError(this.span, error);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  }

  /** Records usage, finish reasons and cost, and ends the span; later calls do nothing. */
  end(): void {
    if (this.ended) return;
    const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } = this.usage;
    const values: Partial<Record<Field, AttributeValue | undefined>> = {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined,
      cacheRead: cacheReadTokens,
      cacheWrite: cacheWriteTokens,
      reasoning: reasoningTokens,
    };
    if (inputTokens !== undefined || cacheReadTokens !== undefined) values.cacheHit = (cacheReadTokens ?? 0) > 0;
    const reasons = [...this.finishReasons.entries()].sort(([a], [b]) => a - b).map(([, reason]) => reason);
    if (reasons.length > 0) {
      values.finishReason = reasons[0];
      values.finishReasons = reasons;
    }
    const overrides = shared.prices ? { ...priceOverrides, ...(shared.prices as PriceTable) } : priceOverrides;
    const price = priceOf(this.responseModel ?? this.requestModel, overrides) ?? (this.responseModel ? priceOf(this.requestModel, overrides) : undefined);
    const cost = price ? costOf(this.usage, price) : undefined;
    if (cost !== undefined) Object.assign(values, { cost, costMicros: Math.round(cost * 1_000_000), costCurrency: 'USD', costSource: 'local' });
    this.set(values);
    this.ended = true;
    this.span.end();
    if (this.metrics) guard(() => this.record(this.metrics!));
  }

  /** The call's duration and token counts, recorded whether or not its span was sampled. */
  private record({ duration, tokens }: GenAIMetrics): void {
    const attributes: Attributes = { 'gen_ai.operation.name': this.spec.operation, 'gen_ai.provider.name': this.provider };
    if (this.requestModel) attributes['gen_ai.request.model'] = this.requestModel;
    if (this.responseModel) attributes['gen_ai.response.model'] = this.responseModel;
    if (this.spec.server) attributes['server.address'] = this.spec.server;
    if (this.spec.port !== undefined) attributes['server.port'] = this.spec.port;
    duration.record((Date.now() - this.startedAt) / 1000, this.failure === undefined ? attributes : { ...attributes, 'error.type': this.failure });
    const { inputTokens, outputTokens } = this.usage;
    if (inputTokens !== undefined) tokens.record(inputTokens, { ...attributes, 'gen_ai.token.type': 'input' });
    if (outputTokens !== undefined) tokens.record(outputTokens, { ...attributes, 'gen_ai.token.type': 'output' });
  }

  /** Watches a call's result in place and returns it unchanged. */
  observe<T>(result: T): T {
    if (isApiPromise(result)) {
      this.observeApiPromise(result);
      return result;
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.settle(value),
        (error: unknown) => {
          this.fail(error);
          this.end();
        },
      );
      return result;
    }
    this.settle(result);
    return result;
  }

  /**
   * A Stainless SDK promise (openai, anthropic) parses the body only when awaited: the span reads the parsed
   * value when the application asks for it (`await`, `.withResponse()`), and ends when the response arrives
   * if it never does (`.asResponse()`, whose body must stay unread).
   */
  private observeApiPromise(promise: ApiPromise): void {
    // The SDK hands the request it sent to the response parser: its settings are read there, the body in the
    // user's code stays as written.
    const parse = promise.parseResponse;
    promise.parseResponse = (...args: unknown[]) => {
      const parsed = parse.apply(promise, args);
      Promise.resolve(parsed).then(
        (value) => this.settle(value),
        (error: unknown) => {
          this.fail(error);
          this.end();
        },
      );
      return parsed;
    };
    promise.responsePromise.then(
      (props) => {
        this.requestBody((props as { options?: { body?: unknown } } | undefined)?.options?.body);
        if (!promise.parsedPromise) this.end();
      },
      (error: unknown) => {
        this.fail(error);
        this.end();
      },
    );
  }

  /** A settled result: a stream is observed until it ends; anything else is a complete response. */
  private settle(value: unknown): void {
    try {
      this.settleOrThrow(value);
    } catch {
      this.end();
    }
  }

  private settleOrThrow(value: unknown): void {
    const holder = isObject(value) ? value : undefined;
    const key = this.adapter.streamKey;
    if (key && holder && isAsyncIterable(holder[key])) {
      const iterable = holder[key] as AsyncIterable<unknown>;
      guard(() => this.result(value));
      holder[key] = { [Symbol.asyncIterator]: () => this.observeIterator(iterable[Symbol.asyncIterator]()) };
      return;
    }
    if (this.adapter.readerStream && isReaderStream(value)) return this.observeReaderStream(value);
    if (isSdkStream(value)) return this.observeSdkStream(value);
    if (isEventStream(value)) return this.observeEventStream(value);
    if (isAsyncGenerator(value)) return this.observeGenerator(value);
    if (this.adapter.iterable && isAsyncIterable(value)) return this.observeIterable(value);
    if (this.adapter.endsItself?.(value, this)) return;
    this.result(value);
    this.end();
  }

  /**
   * An iterator whose every exit ends the span: done, `break` (return), throw, and a failing `next`. A usage
   * chunk the rewrite asked for is read and passed over, so the code sees the chunks it always saw.
   */
  observeIterator<C>(iterator: AsyncIterator<C>): AsyncIterableIterator<C> {
    const call = this;
    const hidden = this.spec.streamUsage ? this.adapter.usageOnly : undefined;
    const next = (...args: [] | [unknown]): Promise<IteratorResult<C>> =>
      iterator.next(...args).then(
        (step) => {
          if (step.done) call.end();
          else {
            call.chunk(step.value);
            if (hidden?.(step.value)) return next();
          }
          return step;
        },
        (error: unknown) => {
          call.fail(error);
          call.end();
          throw error;
        },
      );
    return {
      next,
      return(value?: unknown) {
        call.end();
        return iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value: value as C });
      },
      throw(error?: unknown) {
        call.fail(error);
        call.end();
        return iterator.throw ? iterator.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** openai/anthropic `Stream`: its `iterator` is replaced in place, so `tee()`, `controller` and `toReadableStream()` stay. */
  private observeSdkStream(stream: SdkStream): void {
    const iterator = stream.iterator;
    stream.iterator = (...args: unknown[]) => this.observeIterator(iterator.apply(stream, args));
    // An abort also comes from the SDK itself when a read fails midway: end a turn later, so that failure is
    // recorded first; a stream aborted before anyone reads it still ends.
    stream.controller?.signal?.addEventListener?.('abort', () => later(() => this.end()), { once: true });
  }

  /**
   * The SDKs' stream helpers (`chat.completions.stream()`, `messages.stream()`) read their stream whoever
   * listens; their emitter is observed in place, so no listener is added (an error listener would stop an
   * unhandled failure from surfacing as it does without otelify).
   */
  private observeEventStream(stream: EventStream): void {
    const emit = stream._emit;
    const call = this;
    stream._emit = function (this: unknown, event: string, ...args: unknown[]) {
      guard(() => {
        if (event === 'end') call.end();
        else if (event === 'error') call.fail(args[0]);
        else if (event !== 'abort' && event !== 'connect' && typeof args[0] === 'object' && args[0] !== null) call.chunk(args[0]);
      });
      return emit.apply(this, [event, ...args]);
    };
  }

  /**
   * A stream read by `for await` (Mistral's `EventStream`, a `ReadableStream`; Cohere's `Stream`, Ollama's
   * iterator): its iterator is observed, set on the object itself; `cancel()` or `abort()` ends the span too.
   */
  private observeIterable(stream: AsyncIterable<unknown> & { cancel?: (...args: unknown[]) => unknown; abort?: (...args: unknown[]) => unknown }): void {
    const iterate = stream[Symbol.asyncIterator];
    const call = this;
    Object.defineProperty(stream, Symbol.asyncIterator, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        return call.observeIterator((iterate as (...a: unknown[]) => AsyncIterator<unknown>).apply(this, args));
      },
    });
    // A ReadableStream is cancelled, Ollama's iterator aborted: either way the caller is done with it.
    for (const method of ['cancel', 'abort'] as const) {
      const stop = stream[method];
      if (typeof stop !== 'function') continue;
      stream[method] = function (this: unknown, ...args: unknown[]) {
        call.end();
        return stop.apply(this, args);
      };
    }
  }

  /**
   * A `ReadableStream` read through its reader: `for await` (LangChain's iterator takes the reader too),
   * `getReader().read()`, `cancel()`; piping ends the span when the pipe settles (its chunks are not seen),
   * and a tee or pipeThrough ends it at once, so no exit leaves it open.
   */
  private observeReaderStream(stream: ReaderStream): void {
    const call = this;
    const { getReader, cancel, pipeTo, pipeThrough, tee } = stream;
    stream.getReader = function (this: unknown, ...args: unknown[]) {
      const reader = getReader.apply(this, args);
      const read = reader.read;
      const stop = reader.cancel;
      reader.read = function (this: unknown, ...readArgs: unknown[]) {
        return read.apply(this, readArgs).then(
          (step: IteratorResult<unknown>) => {
            if (step.done) call.end();
            else call.chunk(step.value);
            return step;
          },
          (error: unknown) => {
            call.fail(error);
            call.end();
            throw error;
          },
        );
      };
      reader.cancel = function (this: unknown, ...cancelArgs: unknown[]) {
        call.end();
        return stop.apply(this, cancelArgs);
      };
      return reader;
    };
    stream.cancel = function (this: unknown, ...args: unknown[]) {
      call.end();
      return cancel.apply(this, args);
    };
    stream.pipeTo = function (this: unknown, ...args: unknown[]) {
      const piped = pipeTo.apply(this, args);
      piped.then(
        () => call.end(),
        (error: unknown) => {
          call.fail(error);
          call.end();
        },
      );
      return piped;
    };
    for (const [method, original] of [['pipeThrough', pipeThrough], ['tee', tee]] as const) {
      stream[method] = function (this: unknown, ...args: unknown[]) {
        call.end();
        return original.apply(this, args);
      };
    }
  }

  /** An async generator (`@google/genai` streams): its own methods are replaced in place. */
  private observeGenerator(generator: AsyncGenerator<unknown>): void {
    const observed = this.observeIterator({
      next: generator.next.bind(generator),
      return: generator.return.bind(generator),
      throw: generator.throw.bind(generator),
    });
    Object.assign(generator, { next: observed.next, return: observed.return, throw: observed.throw });
  }
}

interface ApiPromise extends PromiseLike<unknown> {
  parseResponse: (...args: unknown[]) => unknown;
  responsePromise: PromiseLike<unknown>;
  parsedPromise?: unknown;
}

interface SdkStream {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
  controller?: { signal?: { addEventListener?: (type: 'abort', listener: () => void, options: { once: boolean }) => void } };
}

interface ReaderStream {
  getReader: (...args: unknown[]) => { read: (...args: unknown[]) => Promise<IteratorResult<unknown>>; cancel: (...args: unknown[]) => unknown };
  cancel: (...args: unknown[]) => unknown;
  pipeTo: (...args: unknown[]) => Promise<unknown>;
  pipeThrough: (...args: unknown[]) => unknown;
  tee: (...args: unknown[]) => unknown;
}

interface EventStream {
  _emit: (event: string, ...args: unknown[]) => unknown;
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function isApiPromise(value: unknown): value is ApiPromise {
  return isThenable(value) && isObject(value) && typeof value['parseResponse'] === 'function' && isThenable(value['responsePromise']);
}

function isSdkStream(value: unknown): value is SdkStream {
  return isObject(value) && typeof value['iterator'] === 'function' && isAsyncIterable(value);
}

function isReaderStream(value: unknown): value is ReaderStream {
  return isObject(value) && ['getReader', 'cancel', 'pipeTo', 'pipeThrough', 'tee'].every((method) => typeof value[method] === 'function');
}

function isEventStream(value: unknown): value is EventStream {
  return isObject(value) && typeof value['_emit'] === 'function' && typeof value['on'] === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return isObject(value) && typeof value[Symbol.asyncIterator] === 'function';
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown> {
  return isAsyncIterable(value) && isObject(value) && typeof value['next'] === 'function' && typeof value['return'] === 'function' && typeof value['throw'] === 'function';
}

/**
 * Runs an LLM client call in a CLIENT span and returns its result unchanged. The span ends when the
 * response has been read, when a streamed response ends (fully read, left early, failed or aborted), or
 * when the call fails (ERROR status, the error's class and HTTP status; the error is rethrown).
 */
export function traceLLM<T>(spec: LLMSpec, call: () => T): T {
  const convention = spec.convention ?? 'llm';
  const attributes = attributesOf(convention, {
    provider: spec.provider,
    operation: spec.operation,
    model: name(spec.model),
    server: spec.server,
    port: spec.port,
  });
  const spanName = name(spec.model) ? `${spec.operation} ${spec.model}` : spec.operation;
  const span = tracer().startSpan(spanName, { kind: SpanKind.CLIENT, attributes });
  const instruments = genAIMetrics();
  // Nothing records this call (no SDK, or a span sampled out and no metrics): only its context goes on. A
  // stream whose usage the rewrite asked for is always observed, so its extra chunk never reaches the code.
  if (!span.isRecording() && !instruments && !spec.streamUsage) return context.with(trace.setSpan(context.active(), span), call);
  const state = new LLMCall(span, spec, adapters[spec.api] ?? {}, convention, instruments);
  if (spec.params) guard(() => state.adapter.request?.(spec.params, state));
  const active = trace.setSpan(context.active(), span).setValue(CALL_KEY, state);
  let result: T;
  try {
    result = context.with(active, call);
  } catch (error) {
    state.fail(error);
    state.end();
    throw error;
  }
  return state.observe(result);
}

/**
 * A request the call {@link traceLLM} runs is built from (a Bedrock command): its settings are recorded, and
 * it is returned as it is. Object literals are never passed through here, so TypeScript checks them as before.
 */
export function llmRequest<T>(body: T): T {
  const call = context.active().getValue(CALL_KEY);
  if (!(call instanceof LLMCall)) return body;
  call.requestBody(body);
  return body;
}
