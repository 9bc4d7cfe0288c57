import { createHash } from 'node:crypto';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';

type Program = typeof import('../fixtures/bedrock/exec-calls.input.js');

const HAIKU = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
// claude-3-5-haiku: $0.80 input, $0.08 cache read, $1.00 cache write, $4.00 output per million tokens.
const HAIKU_COST = (15 * 0.8 + 11 * 0.08 + 5 * 1 + 17 * 4) / 1e6;

describe('@aws-sdk/client-bedrock-runtime, rewritten, against a loopback Bedrock Runtime API', () => {
  const bed = llmTestbed<Program>('bedrock/exec-calls.input.ts', { promptHash: true });
  let program: Program;
  let client: ReturnType<Program['connect']>;
  beforeAll(() => {
    program = bed.program;
    client = program.connect(bed.server.url);
  });
  const nextSpan = bed.next;

  it('records Converse, with cached input tokens added to the input and priced from a regional model id', async () => {
    const before = bed.count();
    const output = await program.converse(client, HAIKU, PROMPT_SENTINEL);
    expect(output.output?.message?.content?.[0]?.text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe(`chat ${HAIKU}`);
    expect(span.attributes).toEqual({
      'llm.provider': 'aws.bedrock',
      'llm.model': HAIKU,
      'llm.temperature': 0,
      'llm.max_tokens': 200,
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.total_tokens': USAGE.input + USAGE.output,
      'llm.finish_reason': 'end_turn',
      'llm.cache_hit': true,
      'llm.cost_usd': expect.closeTo(HAIKU_COST, 12),
      'llm.cost_usd_micros': Math.round(HAIKU_COST * 1e6),
    });
  });

  it('follows a ConverseStream event stream to its metadata event, an early exit, or a failure', async () => {
    let before = bed.count();
    const { stream } = await program.converseStream(client, HAIKU, PROMPT_SENTINEL);
    let text = '';
    for await (const event of stream!) text += event.contentBlockDelta?.delta?.text ?? '';
    expect(text).toContain(COMPLETION_SENTINEL);
    let span = await nextSpan(before);
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'end_turn' });

    before = bed.count();
    const slow = await program.converseStream(client, 'slow-model', PROMPT_SENTINEL);
    for await (const _ of slow.stream!) break;
    span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);

    before = bed.count();
    const failing = await program.converseStream(client, 'mid-error', PROMPT_SENTINEL);
    await expect(async () => {
      for await (const _ of failing.stream!);
    }).rejects.toThrow();
    span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('follows an InvokeModelWithResponseStream body through the model\'s own stream events, an early exit, or a failure', async () => {
    const span = await bed.streamExits(
      async (model) => (await program.invokeStreaming(client, model === 'model' ? HAIKU : model, PROMPT_SENTINEL)).body!,
      'model',
      (event) => {
        const chunk = event.chunk?.bytes ? (JSON.parse(new TextDecoder().decode(event.chunk.bytes)) as { delta?: { text?: string } }) : undefined;
        return chunk?.delta?.text ?? '';
      },
    );
    expect(span.name).toBe(`chat ${HAIKU}`);
    expect(span.attributes).toMatchObject({
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.finish_reason': 'end_turn',
      'llm.cache_hit': true,
      'llm.cost_usd': expect.closeTo(HAIKU_COST, 12),
      'llm.cost_usd_micros': Math.round(HAIKU_COST * 1e6),
    });
  });

  it('reads InvokeModel settings and usage from the model\'s own JSON, leaving the body readable', async () => {
    const before = bed.count();
    const output = await program.invoke(client, 'anthropic.claude-3-5-haiku-20241022-v1:0', PROMPT_SENTINEL);
    expect(new TextDecoder().decode(output.body)).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.attributes).toMatchObject({
      'llm.temperature': 0.5,
      'llm.max_tokens': 100,
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.cost_usd': expect.closeTo(HAIKU_COST, 12),
      'llm.cost_usd_micros': Math.round(HAIKU_COST * 1e6),
    });
  });

  it('records a throttled call by the SDK\'s exception class and status', async () => {
    const before = bed.count();
    await expect(program.converse(client, 'error-429', PROMPT_SENTINEL)).rejects.toThrow();
    const span = await nextSpan(before);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ThrottlingException' });
    expect(span.attributes['http.response.status_code']).toBe(429);
  });

  it('records the SHA-256 of the prompt as sent when the config asks for it: Converse messages, an InvokeModel body', async () => {
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    let before = bed.count();
    await bed.hashingPrompts!.converse(client, HAIKU, PROMPT_SENTINEL);
    const conversed = bed.server.requests.at(-1)!.body as { system?: unknown; messages: unknown };
    expect((await nextSpan(before)).attributes['llm.prompt_hash']).toBe(sha256(JSON.stringify([conversed.system ?? null, conversed.messages])));

    before = bed.count();
    await bed.hashingPrompts!.invoke(client, HAIKU, PROMPT_SENTINEL);
    const invoked = bed.server.requests.at(-1)!.body as unknown;
    expect((await nextSpan(before)).attributes['llm.prompt_hash']).toBe(sha256(JSON.stringify(invoked)));
  });
});
