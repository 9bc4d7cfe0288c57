import { createHash } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { parentSpanId, waitFor } from './support/otel.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';

type Program = typeof import('../fixtures/anthropic/exec-calls.input.js');

// claude-sonnet-4: $3 input, $0.30 cache read, $3.75 cache write, $15 output per million tokens. Anthropic
// reports 15 uncached input tokens, 11 read from and 5 written to the cache, and 17 output tokens.
const SONNET_4_COST = (15 * 3 + 11 * 0.3 + 5 * 3.75 + 17 * 15) / 1e6;

describe('@anthropic-ai/sdk, rewritten, against a loopback Anthropic API', () => {
  const bed = llmTestbed<Program>('anthropic/exec-calls.input.ts', { promptHash: true });
  const { otel } = bed;
  let program: Program;
  let client: ReturnType<Program['connect']>;
  beforeAll(() => {
    program = bed.program;
    // The SDK's own spans are off here; the coexistence test below turns them on.
    client = program.connect(bed.server.url, false);
  });
  const nextSpan = bed.next;

  it('records the call with input tokens that include the cached ones, and its cost', async () => {
    const before = bed.count();
    const message = await program.ask(client, 'claude-sonnet-4-20250514', PROMPT_SENTINEL);
    expect(message.content[0]?.type === 'text' && message.content[0].text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('chat claude-sonnet-4-20250514');
    expect(span.attributes).toEqual({
      'llm.provider': 'anthropic',
      'llm.model': 'claude-sonnet-4-20250514',
      'llm.max_tokens': 128,
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.total_tokens': USAGE.input + USAGE.output,
      'llm.finish_reason': 'end_turn',
      'llm.cache_hit': true,
      'llm.cost_usd': expect.closeTo(SONNET_4_COST, 12),
      'llm.cost_usd_micros': Math.round(SONNET_4_COST * 1e6),
    });
  });

  it('adds the usage of message_start and message_delta in a stream', async () => {
    const before = bed.count();
    const stream = await program.askStreaming(client, 'claude-sonnet-4-20250514', PROMPT_SENTINEL);
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.attributes).toMatchObject({
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.finish_reason': 'end_turn',
      'llm.cost_usd': expect.closeTo(SONNET_4_COST, 12),
      'llm.cost_usd_micros': Math.round(SONNET_4_COST * 1e6),
    });
  });

  it('follows messages.stream() to finalMessage(), keeping its events', async () => {
    const before = bed.count();
    const stream = program.helperStream(client, 'claude-sonnet-4-20250514', PROMPT_SENTINEL);
    let texts = 0;
    stream.on('text', () => texts++);
    const final = await stream.finalMessage();
    expect(texts).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBe(USAGE.output);
    const span = await nextSpan(before);
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output });
  });

  it('ends a stream that breaks early or fails midway', async () => {
    let before = bed.count();
    const slow = await program.askStreaming(client, 'slow-model', PROMPT_SENTINEL);
    for await (const _ of slow) break;
    expect((await nextSpan(before)).status.code).toBe(SpanStatusCode.UNSET);

    before = bed.count();
    const failing = await program.askStreaming(client, 'mid-error', PROMPT_SENTINEL);
    await expect(async () => {
      for await (const _ of failing);
    }).rejects.toThrow();
    expect((await nextSpan(before)).status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records structured output through messages.parse(), which still parses', async () => {
    const before = bed.count();
    const message = await program.askStructured(client, 'claude-sonnet-4-20250514', PROMPT_SENTINEL);
    expect((message.parsed_output as { answer?: string } | null)?.answer).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat claude-sonnet-4-20250514');
    expect(span.attributes).toMatchObject({ 'llm.max_tokens': 128, 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'end_turn' });
  });

  it('records each turn of a message thread with the model the thread was made with', async () => {
    const before = bed.count();
    const [first, second] = await program.threadTurns(client, 'claude-sonnet-4-20250514', PROMPT_SENTINEL);
    expect(first?.content[0]?.type === 'text' && first.content[0].text).toContain(COMPLETION_SENTINEL);
    expect(second?.usage.output_tokens).toBe(USAGE.output);
    const turns = await waitFor(() => {
      const spans = otel.spans().filter((s) => s.instrumentationScope.name === 'otelify').slice(before);
      return spans.length >= 2 && spans;
    });
    expect(turns).toHaveLength(2);
    for (const span of turns) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.name).toBe('chat claude-sonnet-4-20250514');
      expect(span.attributes).toMatchObject({ 'llm.model': 'claude-sonnet-4-20250514', 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'end_turn' });
    }
    // The first turn's max_tokens is the thread's; the second turn set its own.
    expect(turns.map((span) => span.attributes['llm.max_tokens'])).toEqual([128, 64]);
  });

  it('records a 429 by class and status and rethrows it', async () => {
    const before = bed.count();
    const error: unknown = await program.ask(client, 'error-429', PROMPT_SENTINEL).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).constructor.name).toBe('RateLimitError');
    const span = await nextSpan(before);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RateLimitError' });
    expect(span.attributes).toMatchObject({ 'llm.error_type': 'RateLimitError', 'http.response.status_code': 429 });
  });

  it('coexists with the SDK tracing itself: its span is a child of otelify\'s, and switching it off leaves one', async () => {
    const traced = program.connect(bed.server.url, true);
    const root = trace.getTracer('test').startSpan('request');
    await context.with(trace.setSpan(context.active(), root), () => program.ask(traced, 'claude-sonnet-4-20250514', PROMPT_SENTINEL));
    root.end();
    const [sdk, otelify] = await waitFor(() => {
      const inTrace = otel.spans().filter((s) => s.spanContext().traceId === root.spanContext().traceId && s.kind === SpanKind.CLIENT);
      const sdkSpan = inTrace.find((s) => s.instrumentationScope.name !== 'otelify');
      const ourSpan = inTrace.find((s) => s.instrumentationScope.name === 'otelify');
      return sdkSpan && ourSpan && ([sdkSpan, ourSpan] as const);
    });
    expect(parentSpanId(otelify)).toBe(root.spanContext().spanId);
    expect(parentSpanId(sdk)).toBe(otelify.spanContext().spanId);
    expect(sdk.instrumentationScope.name).toMatch(/anthropic/);
  });

  it('records the SHA-256 of the system prompt and messages as sent when the config asks for it', async () => {
    const before = bed.count();
    await bed.hashingPrompts!.ask(client, 'claude-sonnet-4-20250514', PROMPT_SENTINEL);
    const sent = bed.server.requests.at(-1)!.body as { system?: unknown; messages: unknown };
    const expected = createHash('sha256').update(JSON.stringify([sent.system ?? null, sent.messages])).digest('hex');
    expect((await nextSpan(before)).attributes['llm.prompt_hash']).toBe(expected);
  });
});
