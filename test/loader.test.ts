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
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as { body: string; spans: { name: string; kind: number; traceId: string; spanId: string; parent?: string }[] };
}

describe('node --import otelify/register', async () => {
  const available = await serviceAvailable(RABBITMQ);

  it.runIf(available)('instruments an unmodified ES-module app as Node loads it', () => {
    const { body, spans } = run('--import', 'otelify/register');
    expect(body).toBe('o-1');
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
    const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(producer.name).toMatch(/^publish otelify-loader-/);
    expect(consumer.traceId).toBe(producer.traceId);
    expect(consumer.parent).toBe(producer.spanId);
  });

  it.runIf(available)('without the loader the same app makes no spans (the source on disk is untouched)', () => {
    expect(run().spans).toEqual([]);
  });
});
