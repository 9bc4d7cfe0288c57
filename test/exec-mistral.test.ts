import { SpanStatusCode } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';
import { chatCallAttributes } from './support/llm-expectations.js';

type Program = typeof import('../fixtures/mistral/exec-calls.input.js');

// mistral-large: $2 input, $6 output per million tokens (no cache price: cached tokens are billed as input).
const LARGE_COST = (31 * 2 + 17 * 6) / 1e6;

describe('@mistralai/mistralai, rewritten, against a loopback Mistral API', () => {
  const bed = llmTestbed<Program>('mistral/exec-calls.input.ts');
  let program: Program;
  let client: ReturnType<Program['connect']>;
  beforeAll(() => {
    program = bed.program;
    client = program.connect(bed.server.url);
  });
  const nextSpan = bed.next;

  it('records chat.complete with the literal settings, usage, finish reason and cost', async () => {
    const before = bed.count();
    const response = await program.ask(client, 'mistral-large-latest', PROMPT_SENTINEL);
    expect(response.choices[0]?.message?.content).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat mistral-large-latest');
    expect(span.attributes).toEqual(chatCallAttributes({ provider: 'mistral_ai', model: 'mistral-large-latest', cost: LARGE_COST }));
  });

  it('follows a chat.stream event stream to its end (usage from the last chunk), an early exit, a failure and a cancel', async () => {
    const span = await bed.streamExits(
      (model) => program.askStreaming(client, model, PROMPT_SENTINEL),
      'mistral-small-latest',
      (event) => {
        const content = event.data.choices[0]?.delta.content;
        return typeof content === 'string' ? content : '';
      },
    );
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'stop' });

    const before = bed.count();
    await (await program.askStreaming(client, 'slow-mistral', PROMPT_SENTINEL)).cancel();
    expect((await bed.next(before)).status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records embeddings with their input tokens, and an API error by class and status', async () => {
    let before = bed.count();
    const result = await program.embed(client, [PROMPT_SENTINEL]);
    expect(result.data).toHaveLength(1);
    let span = await nextSpan(before);
    expect(span.name).toBe('embeddings mistral-embed');
    expect(span.attributes['llm.prompt_tokens']).toBe(USAGE.input);

    before = bed.count();
    await expect(program.ask(client, 'error-429', PROMPT_SENTINEL)).rejects.toThrow();
    span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(429);
    expect(span.attributes['llm.error_type']).toMatch(/Error$/);
  });
});
