import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { context, metrics, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { FIXTURES } from './support/fixtures.js';
import { llmTestbed } from './support/llm-exec.js';
import { importRewritten } from './support/rewrite.js';
import { parentSpanId } from './support/otel.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';
import { GPT_4O_COST, gpt4oChatAttributes } from './support/llm-expectations.js';

type Program = typeof import('../fixtures/openai/exec-calls.input.js');

describe('openai, rewritten, against a loopback OpenAI API', () => {
  const bed = llmTestbed<Program>('openai/exec-calls.input.ts', { conventions: ['genai'], promptHash: true });
  let program: Program;
  let genai: Program;
  /** The span active when the SDK sent each request: HTTP instrumentation would parent its span to it. */
  const activeAtFetch: (string | undefined)[] = [];
  const fetchSeeingContext: typeof fetch = (input, init) => {
    activeAtFetch.push(trace.getActiveSpan()?.spanContext().spanId);
    return fetch(input, init);
  };
  let client: ReturnType<Program['connect']>;
  beforeAll(() => {
    program = bed.program;
    genai = bed.withConvention.genai!;
    client = program.connect(`${bed.server.url}/v1`, fetchSeeingContext);
  });
  const nextSpan = bed.next;

  it('records provider, model, parameters (temperature 0 included), usage, finish reason and cost', async () => {
    const before = bed.count();
    const parent = trace.getTracer('test').startSpan('request');
    const completion = await context.with(trace.setSpan(context.active(), parent), () => program.chat(client, 'gpt-4o', `${PROMPT_SENTINEL} hello`));
    parent.end();
    expect(completion.choices[0]?.message.content).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(parentSpanId(span)).toBe(parent.spanContext().spanId);
    expect(activeAtFetch.at(-1)).toBe(span.spanContext().spanId);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual(gpt4oChatAttributes());
  });

  it('writes the GenAI semantic conventions when asked to', async () => {
    const before = bed.count();
    await genai.chat(client, 'gpt-4o', PROMPT_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.temperature': 0,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': USAGE.input,
      'gen_ai.usage.output_tokens': USAGE.output,
      'gen_ai.usage.cache_read.input_tokens': USAGE.cacheRead,
      'gen_ai.usage.reasoning.output_tokens': USAGE.reasoning,
      'gen_ai.usage.cost.amount': expect.closeTo(GPT_4O_COST, 12),
      'gen_ai.usage.cost.amount_micros': Math.round(GPT_4O_COST * 1e6),
      'gen_ai.usage.cost.currency': 'USD',
    });
    expect(typeof span.attributes['gen_ai.response.id']).toBe('string');
    expect(Object.keys(span.attributes).some((k) => k.startsWith('llm.'))).toBe(false);
  });

  it('keeps the SDK promise helpers: withResponse() and asResponse() (whose body stays unread)', async () => {
    let before = bed.count();
    const { data, response } = await program.chat(client, 'gpt-4o', PROMPT_SENTINEL).withResponse();
    expect(data.choices).toHaveLength(1);
    expect(response.status).toBe(200);
    expect((await nextSpan(before)).attributes['llm.prompt_tokens']).toBe(USAGE.input);

    before = bed.count();
    const raw = await program.chat(client, 'gpt-4o', PROMPT_SENTINEL).asResponse();
    const body = (await raw.json()) as { usage: { prompt_tokens: number } };
    expect(body.usage.prompt_tokens).toBe(USAGE.input);
    const span = await nextSpan(before);
    expect(span.attributes['llm.prompt_tokens']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends a fully read stream once, with the usage of the include_usage chunk, and keeps tee() and controller', async () => {
    const before = bed.count();
    const stream = await program.chatStream(client, 'gpt-4o', PROMPT_SENTINEL, true);
    expect(stream.controller).toBeInstanceOf(AbortController);
    const [left, right] = stream.tee();
    let text = '';
    for await (const chunk of left) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain(COMPLETION_SENTINEL);
    let count = 0;
    for await (const _ of right) count++;
    expect(count).toBeGreaterThan(1);
    const span = await nextSpan(before);
    expect(bed.count()).toBe(before + 1);
    expect(span.attributes).toMatchObject({
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.finish_reason': 'stop',
      'llm.cost_usd': expect.closeTo(GPT_4O_COST, 12),
      'llm.cost_usd_micros': Math.round(GPT_4O_COST * 1e6),
    });
  });

  it('does not ask for usage itself: a stream without include_usage has no token counts', async () => {
    const before = bed.count();
    const stream = await program.chatStream(client, 'gpt-4o', PROMPT_SENTINEL, false);
    for await (const _ of stream);
    const span = await nextSpan(before);
    expect(bed.server.requests.at(-1)?.body.stream_options).toBeUndefined();
    expect(span.attributes['llm.finish_reason']).toBe('stop');
    expect(span.attributes['llm.prompt_tokens']).toBeUndefined();
    expect(span.attributes['llm.cost_usd']).toBeUndefined();
  });

  it('does not end the span before the stream is read', async () => {
    const before = bed.count();
    const stream = await program.chatStream(client, 'gpt-4o', PROMPT_SENTINEL, true);
    await new Promise((r) => setTimeout(r, 100));
    expect(bed.count()).toBe(before);
    for await (const _ of stream);
    await nextSpan(before);
  });

  it('ends the span when the consumer breaks out early', async () => {
    const before = bed.count();
    const stream = await program.chatStream(client, 'slow-model', PROMPT_SENTINEL, true);
    for await (const _ of stream) break;
    const span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['llm.prompt_tokens']).toBeUndefined();
  });

  it('ends the span when the stream is aborted through its controller, read or not', async () => {
    let before = bed.count();
    const stream = await program.chatStream(client, 'slow-model', PROMPT_SENTINEL, true);
    let chunks = 0;
    for await (const _ of stream) if (++chunks === 2) stream.controller.abort();
    await nextSpan(before);

    before = bed.count();
    const unread = await program.chatStream(client, 'slow-model', PROMPT_SENTINEL, true);
    unread.controller.abort();
    await nextSpan(before);
  });

  it('ends the span with ERROR when the stream fails midway, and the error reaches the caller', async () => {
    const before = bed.count();
    const stream = await program.chatStream(client, 'mid-error', PROMPT_SENTINEL, true);
    await expect(async () => {
      for await (const _ of stream);
    }).rejects.toThrow();
    const span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(typeof span.attributes['llm.error_type']).toBe('string');
  });

  it.each([
    ['error-429', 'RateLimitError', 429],
    ['error-500', 'InternalServerError', 500],
    ['error-400', 'BadRequestError', 400],
  ])('records %s as ERROR with the error class and status, never its message, and rethrows', async (model, type, status) => {
    const before = bed.count();
    const error: unknown = await program.chat(client, model, PROMPT_SENTINEL).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor.name).toBe(type);
    expect((error as { status?: number }).status).toBe(status);
    const span = await nextSpan(before);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: type });
    expect(span.attributes).toMatchObject({ 'llm.error_type': type, 'error.type': type, 'http.response.status_code': status });
    expect(span.events.map((e) => e.attributes)).toEqual([{ 'exception.type': type }]);
  });

  it('follows the chat.completions.stream() helper to its final completion', async () => {
    const before = bed.count();
    const runner = program.chatHelperStream(client, 'gpt-4o', PROMPT_SENTINEL);
    let deltas = 0;
    runner.on('content', () => deltas++);
    const final = await runner.finalChatCompletion();
    expect(deltas).toBeGreaterThan(0);
    expect(final.choices[0]?.message.content).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.finish_reason': 'stop' });
  });

  it('parses structured output through chat.completions.parse()', async () => {
    const before = bed.count();
    expect(await program.structured(client, PROMPT_SENTINEL)).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes['llm.response_tokens']).toBe(USAGE.output);
  });

  it('records the Responses API, streamed or not, without its instructions', async () => {
    let before = bed.count();
    const response = await program.respond(client, PROMPT_SENTINEL);
    expect(response.output_text).toContain(COMPLETION_SENTINEL);
    let span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4.1');
    expect(span.attributes).toMatchObject({ 'llm.max_tokens': 100, 'llm.prompt_tokens': USAGE.input, 'llm.finish_reason': 'completed' });

    before = bed.count();
    const events = await program.respondStream(client, PROMPT_SENTINEL);
    for await (const _ of events);
    span = await nextSpan(before);
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output });
  });

  it('records embeddings with their input tokens', async () => {
    const before = bed.count();
    const result = await program.embed(client, [PROMPT_SENTINEL]);
    expect(result.data).toHaveLength(1);
    const span = await nextSpan(before);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes['llm.prompt_tokens']).toBe(USAGE.input);
    expect(span.attributes['llm.response_tokens']).toBeUndefined();
  });

  it('records the SHA-256 of the prompt as sent when the config asks for it, and only then', async () => {
    const hashing = bed.hashingPrompts!;
    const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
    const hashOf = async (call: () => Promise<unknown>) => {
      const before = bed.count();
      await call();
      const sent = bed.server.requests.at(-1)!.body as { messages?: unknown; input?: unknown; instructions?: unknown };
      return { recorded: (await nextSpan(before)).attributes['llm.prompt_hash'], sent };
    };

    const first = await hashOf(() => hashing.chat(client, 'gpt-4o', `${PROMPT_SENTINEL} one`));
    expect(first.recorded).toBe(sha256(first.sent.messages));
    expect((await hashOf(() => hashing.chat(client, 'gpt-4o', `${PROMPT_SENTINEL} one`))).recorded).toBe(first.recorded);
    expect((await hashOf(() => hashing.chat(client, 'gpt-4o', `${PROMPT_SENTINEL} two`))).recorded).not.toBe(first.recorded);

    const responses = await hashOf(() => hashing.respond(client, PROMPT_SENTINEL));
    expect(responses.recorded).toBe(sha256([responses.sent.instructions ?? null, responses.sent.input]));
    const embeddings = await hashOf(() => hashing.embed(client, [PROMPT_SENTINEL]));
    expect(embeddings.recorded).toBe(sha256(embeddings.sent.input));

    expect((await hashOf(() => program.chat(client, 'gpt-4o', `${PROMPT_SENTINEL} one`))).recorded).toBeUndefined();
  });

  it('records the legacy text completions API, streamed (usage from the include_usage chunk) or not', async () => {
    let before = bed.count();
    const completion = await program.complete(client, PROMPT_SENTINEL);
    expect(completion.choices[0]?.text).toContain(COMPLETION_SENTINEL);
    let span = await nextSpan(before);
    expect(span.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(span.attributes).toEqual({
      'llm.provider': 'openai',
      'llm.model': 'gpt-3.5-turbo-instruct',
      'llm.max_tokens': 32,
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.total_tokens': USAGE.input + USAGE.output,
      'llm.finish_reason': 'length',
      'llm.cache_hit': true,
      // $1.50 input, $2.00 output per million tokens; no cache price, so cached tokens cost what input does.
      'llm.cost_usd': expect.closeTo((31 * 1.5 + 17 * 2) / 1e6, 12),
      'llm.cost_usd_micros': Math.round((31 * 1.5 + 17 * 2) / 1e6 * 1e6),
    });

    before = bed.count();
    let text = '';
    for await (const chunk of await program.completeStream(client, PROMPT_SENTINEL)) text += chunk.choices[0]?.text ?? '';
    expect(text).toContain(COMPLETION_SENTINEL);
    span = await nextSpan(before);
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'length' });
  });

  describe('with streamUsage in the config', () => {
    let asking: Program;
    beforeAll(async () => {
      asking = await importRewritten<Program>(join(FIXTURES, 'openai/exec-calls.input.ts'), { streamUsage: true });
    });
    const read = async (stream: AsyncIterable<{ choices: unknown[] }>) => {
      const chunks: { choices: unknown[] }[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };

    it('asks OpenAI for a stream\'s usage and records it, while the code sees the chunks it always saw', async () => {
      const asWritten = await read(await program.chatStreamAsWritten(client, 'gpt-4o', PROMPT_SENTINEL));
      expect(bed.server.requests.at(-1)!.body.stream_options).toBeUndefined();

      const before = bed.count();
      const chunks = await read(await asking.chatStreamAsWritten(client, 'gpt-4o', PROMPT_SENTINEL));
      expect(bed.server.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
      expect(chunks).toHaveLength(asWritten.length);
      expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
      const span = await nextSpan(before);
      expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.cost_usd': expect.closeTo(GPT_4O_COST, 12) });
    });

    it('keeps the usage chunk from the code also when no span is recorded', async () => {
      const unsampled = trace.setSpanContext(context.active(), { traceId: '3'.repeat(32), spanId: '4'.repeat(16), traceFlags: TraceFlags.NONE });
      const chunks = await context.with(unsampled, async () => read(await asking.chatStreamAsWritten(client, 'gpt-4o', PROMPT_SENTINEL)));
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    });

    it('leaves alone a body with a spread, which may ask for usage itself: the code sees the usage chunk it asked for', async () => {
      const chunks = await read(await asking.chatStream(client, 'gpt-4o', PROMPT_SENTINEL, true));
      expect(chunks.at(-1)?.choices).toEqual([]);
    });
  });

  describe('with a meter provider registered', () => {
    /** Collects on demand: what an exporter would be sent at that moment. */
    class CollectingReader extends MetricReader {
      constructor() {
        super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
      }
      protected onForceFlush = () => Promise.resolve();
      protected onShutdown = () => Promise.resolve();
    }
    const reader = new CollectingReader();
    beforeAll(() => {
      metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    });
    afterAll(() => {
      metrics.disable();
    });
    const histograms = async () => {
      const { resourceMetrics } = await reader.collect();
      const all = resourceMetrics.scopeMetrics.filter((s) => s.scope.name === 'otelify').flatMap((s) => s.metrics) as HistogramMetricData[];
      const points = (name: string) => all.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints);
      return { duration: points('gen_ai.client.operation.duration'), tokens: points('gen_ai.client.token.usage') };
    };

    it('records the GenAI client metrics (duration, input and output tokens) for each call', async () => {
      await histograms();
      const before = bed.count();
      await program.chat(client, 'gpt-4o', PROMPT_SENTINEL);
      await nextSpan(before);
      const { duration, tokens } = await histograms();
      const common = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06' };
      expect(duration).toHaveLength(1);
      expect(duration[0]!.attributes).toEqual(common);
      expect(duration[0]!.value.count).toBe(1);
      expect(tokens.map((p) => [p.attributes, p.value.sum])).toEqual(
        expect.arrayContaining([
          [{ ...common, 'gen_ai.token.type': 'input' }, USAGE.input],
          [{ ...common, 'gen_ai.token.type': 'output' }, USAGE.output],
        ]),
      );
      expect(tokens).toHaveLength(2);
    });

    it('records a failed call with its error type, and a call whose span is sampled out', async () => {
      await histograms();
      await expect(program.chat(client, 'error-429', PROMPT_SENTINEL)).rejects.toThrow();
      let { duration, tokens } = await histograms();
      expect(duration.map((p) => p.attributes['error.type'])).toEqual(['RateLimitError']);
      expect(tokens).toEqual([]);

      const spansBefore = bed.otel.spans().length;
      // A parent that is not sampled: the SDK's default sampler follows it, so no span is recorded.
      const unsampled = trace.setSpanContext(context.active(), { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: TraceFlags.NONE });
      await context.with(unsampled, () => program.chat(client, 'gpt-4o', PROMPT_SENTINEL));
      ({ duration, tokens } = await histograms());
      expect(duration).toHaveLength(1);
      expect(tokens.map((p) => p.value.sum).sort()).toEqual([USAGE.output, USAGE.input].sort());
      expect(bed.otel.spans().length).toBe(spansBefore);
    });
  });
});
