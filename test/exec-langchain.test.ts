import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { parentSpanId, waitFor } from './support/otel.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';
import { GPT_4O_COST, gpt4oChatAttributes } from './support/llm-expectations.js';
import { aliasedRewrite } from './support/aliased-project.js';
import { cachedInstall } from './support/cached-install.js';

type Program = typeof import('../fixtures/langchain/exec-calls.input.js');

// claude-sonnet-4: $3 input, $0.30 cache read, $3.75 cache write, $15 output per million tokens: 15 uncached
// input tokens, 11 read from and 5 written to the cache, 17 output tokens.
const SONNET_4_COST = (15 * 3 + 11 * 0.3 + 5 * 3.75 + 17 * 15) / 1e6;

// LangChain 0.x is what most public projects still run (three of three in our trial): the same fixture, as
// written, rewritten by `otelify apply` in a project whose @langchain packages are 0.x (installed once into
// node_modules/.cache), and held to the same expectations as on the project's own 1.x.
const LANGCHAIN_0 = { '@langchain/core': '0.3.80', '@langchain/openai': '0.6.9', '@langchain/anthropic': '0.3.34' };

const majors = [
  { name: '1.x', rewrite: undefined },
  {
    name: '0.x',
    rewrite: () => {
      const modules = cachedInstall('langchain-0', LANGCHAIN_0);
      return aliasedRewrite<Program>(Object.fromEntries(Object.keys(LANGCHAIN_0).map((name) => [name, join(modules, name)])));
    },
  },
];

describe.each(majors)('LangChain.js $name chat models and embeddings, rewritten, against a loopback OpenAI and Anthropic API', ({ name, rewrite }) => {
  const project = rewrite?.();
  const bed = llmTestbed<Program>('langchain/exec-calls.input.ts', project ? { load: project.load } : {});
  afterAll(() => project?.cleanup());

  it('runs the LangChain version it names', () => {
    const modules = project?.dir ? join(project.dir, 'node_modules') : join(import.meta.dirname, '../node_modules');
    const { version } = JSON.parse(readFileSync(join(modules, '@langchain/core/package.json'), 'utf8')) as { version: string };
    expect(version.split('.')[0]).toBe(name.split('.')[0]);
  });
  const openaiURL = () => `${bed.server.url}/v1`;
  const nextSpan = bed.next;

  it('records a ChatOpenAI call with the provider, model and settings of its construction, usage, cost and finish reason', async () => {
    const before = bed.count();
    const message = await bed.program.summarize(openaiURL(), PROMPT_SENTINEL);
    expect(message.text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual(gpt4oChatAttributes());
  });

  it('reads provider, model and settings from a model passed in, and the cache and reasoning tokens in the GenAI names', async () => {
    const model = bed.program.openaiModel(openaiURL(), 'gpt-4o');
    const before = bed.count();
    await bed.program.ask(model, PROMPT_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toMatchObject({
      'llm.provider': 'openai',
      'llm.model': 'gpt-4o',
      'llm.temperature': 0.5,
      'llm.prompt_tokens': USAGE.input,
      'llm.cost_usd': expect.closeTo(GPT_4O_COST, 12),
    });
  });

  it("names the provider from the answer when the model object names none LangChain knows (initChatModel's)", async () => {
    const before = bed.count();
    await bed.program.ask(bed.program.configuredLater(openaiURL()), PROMPT_SENTINEL);
    const span = await nextSpan(before);
    // LangChain 0.x's messages do not name their provider: the span keeps the placeholder there.
    expect(span.attributes['llm.provider']).toBe(name === '1.x' ? 'openai' : 'langchain');
  });

  it('records a ChatAnthropic call, made through withConfig, with input tokens that include the cached ones', async () => {
    const reviewer = bed.program.anthropicModel(bed.server.url, 'claude-sonnet-4-20250514');
    const before = bed.count();
    const message = await bed.program.review(reviewer, PROMPT_SENTINEL);
    expect(message.text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat claude-sonnet-4-20250514');
    expect(span.attributes).toEqual({
      'llm.provider': 'anthropic',
      'llm.model': 'claude-sonnet-4-20250514',
      'llm.max_tokens': 128,
      // ChatAnthropic 0.x sends temperature 1 where the model was given none (1.x sends none).
      ...(name === '0.x' ? { 'llm.temperature': 1 } : {}),
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.total_tokens': USAGE.input + USAGE.output,
      'llm.finish_reason': 'end_turn',
      'llm.cache_hit': true,
      'llm.cost_usd': expect.closeTo(SONNET_4_COST, 12),
      'llm.cost_usd_micros': Math.round(SONNET_4_COST * 1e6),
    });
  });

  it('follows a ChatOpenAI stream to its end, and ends the span of a stream left early or failing midway', async () => {
    const completed = await bed.streamExits((model) => bed.program.summarizeStreaming(openaiURL(), model, PROMPT_SENTINEL), 'gpt-4o', (chunk) => chunk.text);
    expect(completed.attributes).toMatchObject({
      'llm.provider': 'openai',
      'llm.model': 'gpt-4o',
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.finish_reason': 'stop',
      'llm.cost_usd': expect.closeTo(GPT_4O_COST, 12),
    });
  });

  it("takes an Anthropic stream's output tokens as Anthropic counts them (LangChain adds its start count to them)", async () => {
    const reviewer = bed.program.anthropicModel(bed.server.url, 'claude-sonnet-4-20250514');
    const completed = await bed.streamExits((model) => bed.program.askStreaming(model.startsWith('claude') ? reviewer : bed.program.anthropicModel(bed.server.url, model), PROMPT_SENTINEL), 'claude-sonnet-4-20250514', (chunk) => chunk.text);
    expect(completed.attributes).toMatchObject({
      'llm.provider': 'anthropic',
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.finish_reason': 'end_turn',
      'llm.cost_usd': expect.closeTo(SONNET_4_COST, 12),
    });
  });

  it("ends a stream's span when it is read through its reader, or cancelled unread", async () => {
    let before = bed.count();
    const reader = (await bed.program.summarizeStreaming(openaiURL(), 'gpt-4o', PROMPT_SENTINEL)).getReader();
    while (!(await reader.read()).done);
    expect((await nextSpan(before)).attributes).toMatchObject({ 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'stop' });

    before = bed.count();
    const unread = await bed.program.summarizeStreaming(openaiURL(), 'slow-gpt-4o', PROMPT_SENTINEL);
    await unread.cancel();
    expect((await nextSpan(before)).status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a batch as one span whose usage and cost are the sum of its calls', async () => {
    const before = bed.count();
    const messages = await bed.program.summarizeAll(openaiURL(), [PROMPT_SENTINEL, PROMPT_SENTINEL, PROMPT_SENTINEL]);
    expect(messages).toHaveLength(3);
    const span = await nextSpan(before);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toMatchObject({
      'llm.max_tokens': 64,
      'llm.prompt_tokens': 3 * USAGE.input,
      'llm.response_tokens': 3 * USAGE.output,
      'llm.finish_reason': 'stop',
      'llm.cost_usd': expect.closeTo(3 * GPT_4O_COST, 12),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(bed.count(), 'one span for the batch').toBe(before + 1);
  });

  it('records a failed call (and a batch whose calls failed) by error class and HTTP status, and rethrows', async () => {
    let before = bed.count();
    const error: unknown = await bed.program.ask(bed.program.openaiModel(openaiURL(), 'error-500'), PROMPT_SENTINEL).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).constructor.name).toBe('InternalServerError');
    let span = await nextSpan(before);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'InternalServerError' });
    expect(span.attributes).toMatchObject({ 'llm.error_type': 'InternalServerError', 'error.type': 'InternalServerError', 'http.response.status_code': 500 });

    before = bed.count();
    await expect(bed.program.ask(bed.program.anthropicModel(bed.server.url, 'error-500'), PROMPT_SENTINEL)).rejects.toThrow();
    span = await nextSpan(before);
    expect(span.attributes).toMatchObject({ 'llm.provider': 'anthropic', 'llm.error_type': 'InternalServerError', 'http.response.status_code': 500 });

    before = bed.count();
    const results = await bed.program.summarizeAllOrErrors(openaiURL(), 'error-500', [PROMPT_SENTINEL, PROMPT_SENTINEL]);
    expect(results.every((r) => r instanceof Error)).toBe(true);
    span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['llm.error_type']).toBe('InternalServerError');
  });

  it('records embeddings (LangChain keeps no usage for them)', async () => {
    const embeddings = bed.program.embedder(openaiURL());
    let before = bed.count();
    expect(await bed.program.embedQuery(embeddings, PROMPT_SENTINEL)).toHaveLength(3);
    let span = await nextSpan(before);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toEqual({ 'llm.provider': 'openai', 'llm.model': 'text-embedding-3-small' });

    before = bed.count();
    expect(await bed.program.embedDocuments(embeddings, [PROMPT_SENTINEL, 'second'])).toHaveLength(2);
    span = await nextSpan(before);
    expect(span.name).toBe('embeddings text-embedding-3-small');
  });

  it("makes one span per LangChain call: the OpenAI SDK calls LangChain makes inside are not rewritten, the project's own are", async () => {
    const root = trace.getTracer('test').startSpan('request');
    await context.with(trace.setSpan(context.active(), root), async () => {
      await bed.program.summarize(openaiURL(), PROMPT_SENTINEL);
      await bed.program.direct(openaiURL(), PROMPT_SENTINEL);
    });
    root.end();
    const inTrace = await waitFor(() => {
      const spans = bed.otel.spans().filter((s) => s.spanContext().traceId === root.spanContext().traceId && s.kind === SpanKind.CLIENT);
      return spans.length >= 2 && spans;
    });
    await new Promise((r) => setTimeout(r, 100));
    const clients: ReadableSpan[] = bed.otel.spans().filter((s) => s.spanContext().traceId === root.spanContext().traceId && s.kind === SpanKind.CLIENT);
    expect(clients).toHaveLength(2);
    expect(inTrace.every((s) => parentSpanId(s) === root.spanContext().spanId)).toBe(true);
    // The LangChain call's span (with its construction's settings) and the direct call's.
    expect(clients.map((s) => s.attributes['llm.max_tokens'])).toEqual([64, undefined]);
    expect(bed.server.requests.filter((r) => r.path === '/v1/chat/completions').length).toBeGreaterThanOrEqual(2);
  });
});
