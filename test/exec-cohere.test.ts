import { SpanStatusCode } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';
import { chatCallAttributes } from './support/llm-expectations.js';

type Program = typeof import('../fixtures/cohere/exec-calls.input.js');

// command-a: $2.50 input, $10 output per million tokens, on the model's own token counts.
const COMMAND_A_COST = (31 * 2.5 + 17 * 10) / 1e6;

describe('cohere-ai (v2 API), rewritten, against a loopback Cohere API', () => {
  const bed = llmTestbed<Program>('cohere/exec-calls.input.ts');
  let program: Program;
  let client: ReturnType<Program['connect']>;
  beforeAll(() => {
    program = bed.program;
    client = program.connect(bed.server.url);
  });
  const nextSpan = bed.next;

  it('records chat with the literal settings, the token counts, finish reason, cached tokens and cost', async () => {
    const before = bed.count();
    const response = await program.ask(client, 'command-a-03-2025', PROMPT_SENTINEL);
    const first = response.message.content?.[0];
    expect(first?.type === 'text' && first.text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat command-a-03-2025');
    expect(span.attributes).toEqual(chatCallAttributes({ provider: 'cohere', model: 'command-a-03-2025', cost: COMMAND_A_COST, finishReason: 'COMPLETE' }));
  });

  it('keeps the SDK promise helper withRawResponse()', async () => {
    const before = bed.count();
    const { data, rawResponse } = await program.ask(client, 'command-r-08-2024', PROMPT_SENTINEL).withRawResponse();
    expect(rawResponse.status).toBe(200);
    expect(data.finishReason).toBe('COMPLETE');
    expect((await nextSpan(before)).attributes['llm.response_tokens']).toBe(USAGE.output);
  });

  it('follows a chatStream to its message-end event, an early exit and a failure', async () => {
    const span = await bed.streamExits(
      (model) => program.askStreaming(client, model, PROMPT_SENTINEL),
      'command-r-08-2024',
      (event) => (event.type === 'content-delta' ? (event.delta?.message?.content?.text ?? '') : ''),
    );
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'COMPLETE' });
  });

  it('records embed with its billed input tokens, and an API error by class and status', async () => {
    let before = bed.count();
    const result = await program.embed(client, [PROMPT_SENTINEL]);
    expect(result.embeddings.float).toHaveLength(1);
    let span = await nextSpan(before);
    expect(span.name).toBe('embeddings embed-v4.0');
    expect(span.attributes['llm.prompt_tokens']).toBe(USAGE.input);

    before = bed.count();
    await expect(program.ask(client, 'error-429', PROMPT_SENTINEL)).rejects.toThrow();
    span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(429);
    expect(span.attributes['llm.error_type']).toBe('TooManyRequestsError');
  });
});
