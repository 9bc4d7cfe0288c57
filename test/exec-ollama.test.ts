import { SpanStatusCode } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';
import { chatCallAttributes } from './support/llm-expectations.js';

type Program = typeof import('../fixtures/ollama/exec-calls.input.js');

describe('ollama, rewritten, against a loopback Ollama server', () => {
  const bed = llmTestbed<Program>('ollama/exec-calls.input.ts');
  let program: Program;
  let client: ReturnType<Program['connect']>;
  beforeAll(() => {
    program = bed.program;
    client = program.connect(bed.server.url);
  });
  const nextSpan = bed.next;

  it('records chat with the literal options, token counts and finish reason, and no cost for a local model', async () => {
    const before = bed.count();
    const response = await program.ask(client, 'llama3.2', PROMPT_SENTINEL);
    expect(response.message.content).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat llama3.2');
    expect(span.attributes).toEqual(chatCallAttributes({ provider: 'ollama', model: 'llama3.2' }));
  });

  it('follows a streamed chat to its last chunk, an early exit, a failure and an abort', async () => {
    const span = await bed.streamExits((model) => program.askStreaming(client, model, PROMPT_SENTINEL), 'llama3.2', (part) => part.message.content);
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'stop' });

    const before = bed.count();
    const stream = await program.askStreaming(client, 'slow-llama', PROMPT_SENTINEL);
    stream.abort();
    expect((await nextSpan(before)).status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records generate as a text completion and embed with its input tokens', async () => {
    let before = bed.count();
    expect((await program.complete(client, 'llama3.2', PROMPT_SENTINEL)).response).toContain(COMPLETION_SENTINEL);
    let span = await nextSpan(before);
    expect(span.name).toBe('text_completion llama3.2');
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output });

    before = bed.count();
    expect((await program.embed(client, [PROMPT_SENTINEL])).embeddings).toHaveLength(1);
    span = await nextSpan(before);
    expect(span.name).toBe('embeddings nomic-embed-text');
    expect(span.attributes['llm.prompt_tokens']).toBe(USAGE.input);
  });

  it('records an API error by class and status', async () => {
    const before = bed.count();
    await expect(program.ask(client, 'error-500', PROMPT_SENTINEL)).rejects.toThrow();
    const span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(500);
    expect(span.attributes['llm.error_type']).toBe('ResponseError');
  });
});
