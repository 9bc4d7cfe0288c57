import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';
import { gpt4oChatAttributes } from './support/llm-expectations.js';

type Program = typeof import('../fixtures/vercel-ai/exec-calls.input.js');

describe('ai (Vercel AI SDK), rewritten, with its OpenAI provider against a loopback OpenAI API', () => {
  // The default provider reads its base URL from the environment as the program loads.
  const bed = llmTestbed<Program>('vercel-ai/exec-calls.input.ts', {
    beforeImport: (server) => {
      process.env.OPENAI_BASE_URL = `${server.url}/v1`;
      process.env.OPENAI_API_KEY = 'test-key';
    },
  });
  let program: Program;
  beforeAll(() => {
    program = bed.program;
  });
  afterAll(() => {
    delete process.env.OPENAI_BASE_URL;
  });
  const nextSpan = bed.next;

  it('records generateText with the provider named by the model factory and the literal settings', async () => {
    const before = bed.count();
    const result = await program.ask(PROMPT_SENTINEL);
    expect(result.text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toEqual(gpt4oChatAttributes());
  });

  it('ends a streamText span when its stream has been read, and not before', async () => {
    const before = bed.count();
    const result = program.askStreaming('gpt-4o', PROMPT_SENTINEL);
    await new Promise((r) => setTimeout(r, 100));
    expect(bed.count()).toBe(before);
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.attributes).toMatchObject({
      'llm.provider': 'openai',
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.finish_reason': 'stop',
    });
  });

  it('ends a streamText span with ERROR when the provider fails', async () => {
    const before = bed.count();
    const result = program.askStreaming('error-500', PROMPT_SENTINEL);
    for await (const _ of result.textStream);
    const span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records embed with its input tokens', async () => {
    const before = bed.count();
    const { embedding } = await program.vector(PROMPT_SENTINEL);
    expect(embedding.length).toBe(3);
    const span = await nextSpan(before);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes['llm.prompt_tokens']).toBe(USAGE.input);
  });
});
