import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { RABBITMQ, serviceAvailable } from './support/services.js';

const APP = join(FIXTURES, 'loader-app');

function run(...nodeArgs: string[]) {
  const child = spawnSync(process.execPath, [...nodeArgs, 'main.mjs'], { cwd: APP, encoding: 'utf8', timeout: 20_000 });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    body: string;
    spans: { name: string; kind: number; traceId: string; spanId: string; parent?: string; attributes: Record<string, unknown> }[];
  };
}

describe('node --import otelify/register', async () => {
  const available = await serviceAvailable(RABBITMQ);

  it.runIf(available)('instruments an unmodified app (ES modules and a require()d CommonJS module; queue and LLM calls) as Node loads it', () => {
    const { body, spans } = run('--import', 'otelify/register');
    expect(body).toBe('o-1');
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER && /^publish otelify-loader-\d/.test(s.name))!;
    const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER && /^process otelify-loader-\d/.test(s.name))!;
    expect(producer).toBeDefined();
    expect(consumer.traceId).toBe(producer.traceId);
    expect(consumer.parent).toBe(producer.spanId);
    // The CommonJS module, loaded with require().
    const billingProducer = spans.find((s) => s.kind === SpanKind.PRODUCER && s.name.startsWith('publish otelify-loader-billing-'))!;
    const billingConsumer = spans.find((s) => s.kind === SpanKind.CONSUMER && s.name.startsWith('process otelify-loader-billing-'))!;
    expect(billingProducer).toBeDefined();
    expect(billingConsumer.parent).toBe(billingProducer.spanId);
    const llm = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    expect(llm.name).toBe('chat gpt-4o-mini');
    expect(llm.attributes).toMatchObject({ 'llm.provider': 'openai', 'llm.temperature': 0, 'llm.prompt_tokens': 9, 'llm.response_tokens': 2 });
    expect(llm.attributes['llm.cost_usd']).toBeCloseTo((9 * 0.15 + 2 * 0.6) / 1e6, 12);
  });

  it.runIf(available)('without the loader the same app makes no spans (the source on disk is untouched)', () => {
    expect(run().spans).toEqual([]);
  });
});
