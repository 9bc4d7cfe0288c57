import { SpanStatusCode } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_SENTINEL, USAGE } from './support/fake-llm.js';
import { llmTestbed } from './support/llm-exec.js';
import { PROMPT_SENTINEL } from './support/sentinel.js';

type Program = typeof import('../fixtures/google/exec-calls.input.js');

// gemini-2.5-flash: $0.30 input, $0.075 cached input, $2.50 output (thinking included) per million tokens.
const FLASH_COST = (20 * 0.3 + 11 * 0.075 + 17 * 2.5) / 1e6;

describe('@google/genai, rewritten, against a loopback Gemini API', () => {
  const bed = llmTestbed<Program>('google/exec-calls.input.ts');
  let program: Program;
  let ai: ReturnType<Program['connect']>;
  beforeAll(() => {
    program = bed.program;
    ai = program.connect(bed.server.url);
  });
  const nextSpan = bed.next;

  it('records generateContent: thinking tokens count as output, cached tokens as input', async () => {
    const before = bed.count();
    const response = await program.generate(ai, 'gemini-2.5-flash', PROMPT_SENTINEL);
    expect(response.text).toContain(COMPLETION_SENTINEL);
    const span = await nextSpan(before);
    expect(span.name).toBe('generate_content gemini-2.5-flash');
    expect(span.attributes).toEqual({
      'llm.provider': 'gcp.gemini',
      'llm.model': 'gemini-2.5-flash',
      'llm.temperature': 0,
      'llm.max_tokens': 100,
      'llm.prompt_tokens': USAGE.input,
      'llm.response_tokens': USAGE.output,
      'llm.total_tokens': USAGE.input + USAGE.output,
      'llm.finish_reason': 'STOP',
      'llm.cache_hit': true,
      'llm.cost_usd': expect.closeTo(FLASH_COST, 12),
      'llm.cost_usd_micros': Math.round(FLASH_COST * 1e6),
    });
  });

  it('follows a generateContentStream generator to its end, early exit or failure', async () => {
    const span = await bed.streamExits((model) => program.generateStream(ai, model, PROMPT_SENTINEL), 'gemini-2.5-flash', (chunk) => chunk.text ?? '');
    expect(span.attributes).toMatchObject({ 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.finish_reason': 'STOP' });
  });

  it('records each turn of a chat session with the model and settings the session was created with', async () => {
    const before = bed.count();
    const [answer, streamed] = await program.converse(ai, PROMPT_SENTINEL, PROMPT_SENTINEL);
    expect(answer).toContain(COMPLETION_SENTINEL);
    expect(streamed).toContain(COMPLETION_SENTINEL);
    await nextSpan(before + 1);
    const turns = bed.otel.spans().filter((s) => s.instrumentationScope.name === 'otelify').slice(before);
    expect(turns.map((s) => s.name)).toEqual(['generate_content gemini-2.5-flash', 'generate_content gemini-2.5-flash']);
    for (const turn of turns) {
      expect(turn.attributes).toMatchObject({ 'llm.temperature': 0.5, 'llm.prompt_tokens': USAGE.input, 'llm.response_tokens': USAGE.output, 'llm.cost_usd': expect.closeTo(FLASH_COST, 12) });
    }
  });

  it('records an API error by class and status', async () => {
    const before = bed.count();
    await expect(program.generate(ai, 'error-429', PROMPT_SENTINEL)).rejects.toThrow();
    const span = await nextSpan(before);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(429);
  });
});
