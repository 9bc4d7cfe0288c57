// `openai` 7 (installed as openai-v7, needs Node 22): the openai execution fixture as written (`import OpenAI
// from 'openai'`), put in a project whose `openai` is openai 7, rewritten by `otelify apply` and run against the
// loopback OpenAI API: the spans it makes under openai 6 (test/exec-openai.test.ts), for each API it calls.
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasedRewrite } from './support/aliased-project.js';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { nodeMajor } from './support/node-major.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';
import { gpt4oChatAttributes } from './support/llm-expectations.js';

type Program = typeof import('../fixtures/openai/exec-calls.input.js');

describe.runIf(nodeMajor >= 22)('openai 7, rewritten, against a loopback OpenAI API', () => {
  const rewrite = aliasedRewrite<Program>({ openai: 'openai-v7' });
  const bed = llmTestbed<Program>('openai/exec-calls.input.ts', { load: rewrite.load });
  let program: Program;
  let client: ReturnType<Program['connect']>;
  /** The SDK version each request says it comes from. */
  const sentBy: (string | null)[] = [];
  const fetchSeeingVersion: typeof fetch = (input, init) => {
    sentBy.push(new Headers(init?.headers).get('x-stainless-package-version'));
    return fetch(input, init);
  };
  beforeAll(() => {
    program = bed.program;
    client = program.connect(`${bed.server.url}/v1`, fetchSeeingVersion);
  });
  afterAll(() => rewrite.cleanup());
  const nextSpan = bed.next;

  it('records provider, model, parameters, usage, finish reason and cost (the request comes from openai 7)', async () => {
    const before = bed.count();
    const completion = await program.chat(client, 'gpt-4o', PROMPT_SENTINEL);
    expect(completion.choices[0]?.message.content).toContain(COMPLETION_SENTINEL);
    expect(sentBy.at(-1)).toMatch(/^7\./);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toEqual(gpt4oChatAttributes());
  });

  it('keeps withResponse() and asResponse() (whose body stays unread)', async () => {
    let before = bed.count();
    const { data, response } = await program.chat(client, 'gpt-4o', PROMPT_SENTINEL).withResponse();
    expect(data.choices).toHaveLength(1);
    expect(response.status).toBe(200);
    expect((await nextSpan(before)).attributes['llm.prompt_tokens']).toBe(USAGE.input);

    before = bed.count();
    const raw = await program.chat(client, 'gpt-4o', PROMPT_SENTINEL).asResponse();
    expect(((await raw.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBe(USAGE.input);
    expect((await nextSpan(before)).attributes['llm.prompt_tokens']).toBeUndefined();
  });

  it('ends a stream\'s span once at each exit: read to the end (with the include_usage usage), left early, failed midway', async () => {
    const span = await bed.streamExits((model) => program.chatStream(client, model, PROMPT_SENTINEL, true), 'gpt-4o', (chunk) => chunk.choices[0]?.delta.content ?? '');
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'stop' });
  });

  it('records an API error as ERROR with the error class and status, and rethrows', async () => {
    const before = bed.count();
    const error = await program.chat(client, 'error-429', PROMPT_SENTINEL).then(() => undefined, (e: unknown) => e);
    expect((error as Error).constructor.name).toBe('RateLimitError');
    const span = await nextSpan(before);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RateLimitError' });
    expect(span.attributes).toMatchObject({ 'llm.error_type': 'RateLimitError', 'http.response.status_code': 429 });
  });

  it('follows the chat.completions.stream() helper to its final completion, and parse()', async () => {
    let before = bed.count();
    const final = await program.chatHelperStream(client, 'gpt-4o', PROMPT_SENTINEL).finalChatCompletion();
    expect(final.choices[0]?.message.content).toContain(COMPLETION_SENTINEL);
    expect((await nextSpan(before)).attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.finish_reason': 'stop' });

    before = bed.count();
    expect(await program.structured(client, PROMPT_SENTINEL)).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes['llm.response_tokens']).toBe(USAGE.output);
  });

  it('records the Responses API, streamed or not', async () => {
    let before = bed.count();
    expect((await program.respond(client, PROMPT_SENTINEL)).output_text).toContain(COMPLETION_SENTINEL);
    let span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4.1');
    expect(span.attributes).toMatchObject({ 'llm.max_tokens': 100, 'llm.prompt_tokens': USAGE.input, 'llm.finish_reason': 'completed' });

    before = bed.count();
    for await (const _ of await program.respondStream(client, PROMPT_SENTINEL));
    span = await nextSpan(before);
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output });
  });

  it('records embeddings and the legacy completions API', async () => {
    let before = bed.count();
    expect((await program.embed(client, [PROMPT_SENTINEL])).data).toHaveLength(1);
    let span = await nextSpan(before);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes['llm.prompt_tokens']).toBe(USAGE.input);

    before = bed.count();
    expect((await program.complete(client, PROMPT_SENTINEL)).choices[0]?.text).toContain(COMPLETION_SENTINEL);
    span = await nextSpan(before);
    expect(span.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.finish_reason': 'length' });
  });
});
