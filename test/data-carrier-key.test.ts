import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { transformSource } from '../src/index.js';
import { createSetup } from '../src/setup.js';
import { FIXTURES } from './support/fixtures.js';

// A file beside the pg-boss fixtures, so that `pg-boss` resolves to the installed typings.
const FILE = join(FIXTURES, 'pg-boss/carrier-key.ts');
const SOURCE = `import { PgBoss } from 'pg-boss';
export async function run(boss: PgBoss, order: { id: string }) {
  await boss.send('orders', order);
  await boss.insert('orders', [{ data: order }]);
  await boss.work('orders', async ([job]) => job?.data);
}
`;

const dirs: string[] = [];
function configDir(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelify-carrier-key-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify(config));
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// Vendure jobs carry it in their data too, beside its fixtures so that `@vendure/core` resolves.
const VENDURE_FILE = join(FIXTURES, 'vendure/carrier-key.ts');
const VENDURE_SOURCE = `import { type Job, JobQueue, JobQueueService } from '@vendure/core';
export async function run(service: JobQueueService, queue: JobQueue<{ id: string }>) {
  await queue.add({ id: 'o-1' });
  return service.createQueue({ name: 'orders', process: async (job: Job<{ id: string }>) => job.data.id });
}
`;

function rewrite(config: unknown, source = SOURCE, file = FILE) {
  const setup = createSetup({ from: configDir(config) });
  const result = transformSource(source, file, { targets: setup.targets });
  if (!result) throw new Error('nothing was rewritten');
  return result;
}

describe('dataCarrierKey: the key of a job\'s data that carries the context', () => {
  it('is `_otel` by default, on the producer and in the consumer spec', () => {
    const { code } = rewrite({});
    expect(code).toContain(`boss.send('orders', otelify.inject(order, '_otel'))`);
    expect(code).toContain(`otelify.inject([{ data: order }], '[].data._otel')`);
    expect(code).toContain(`headers: 'data._otel'`);
  });

  it('follows the config on both sides, one setting for all', () => {
    const { code } = rewrite({ dataCarrierKey: 'traceCtx' });
    expect(code).toContain(`otelify.inject(order, 'traceCtx')`);
    expect(code).toContain(`'[].data.traceCtx'`);
    expect(code).toContain(`headers: 'data.traceCtx'`);
    expect(code).not.toContain('_otel');
  });

  it('names the same key in a Vendure job\'s data, on both sides', () => {
    const { code, sites } = rewrite({ dataCarrierKey: 'traceCtx' }, VENDURE_SOURCE, VENDURE_FILE);
    expect(sites.map((site) => `${site.target}: ${site.action}`)).toEqual(['vendure.add: instrumented', 'vendure.process: instrumented']);
    expect(code).toContain(`queue.add(otelify.inject({ id: 'o-1' }, 'traceCtx'))`);
    expect(code).toContain(`headers: 'data.traceCtx'`);
    expect(code).not.toContain('_otel');
  });

  it('rejects a key the carrier paths could not hold', () => {
    for (const bad of ['a.b', 'a|b', 'jobs[]', '', '1st', 'has space', 7]) {
      expect(() => loadConfig(configDir({ dataCarrierKey: bad })), JSON.stringify(bad)).toThrow(ConfigError);
    }
    expect(loadConfig(configDir({ dataCarrierKey: '$otel-ctx_2' })).config.dataCarrierKey).toBe('$otel-ctx_2');
  });

  it('tells, at each call site, that the installed pg-boss traces itself and how to choose', () => {
    const { sites } = rewrite({});
    expect(sites.map((site) => site.action)).toEqual(['instrumented', 'instrumented', 'instrumented']);
    for (const site of sites) expect(site.note).toMatch(/^pg-boss 12\.\d+\.\d+ also emits its own send and process spans.*propagateContext: true.*enabled: false/);
  });
});
