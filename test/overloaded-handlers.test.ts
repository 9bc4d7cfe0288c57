import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { aliasedProject, applyIn } from './support/aliased-project.js';

// pg-boss 10 and 11 declare `work(name, options, handler)` twice, the includeMetadata form first: an untyped
// handler wrapped in the runtime's generic wrapper would be typed from that first form and the call would stop
// type-checking (found on a public repository). Such a handler is reported; an annotated one is rewritten.
const SOURCE = `import PgBoss from 'pg-boss';

export async function start(boss: PgBoss, send: (to: string) => Promise<void>) {
  await boss.work('email.send', { batchSize: 5 }, async (jobs) => {
    for (const job of jobs) await send(String(job.id));
  });
  await boss.work('email.audit', { batchSize: 5 }, async (jobs: { id: string }[]) => {
    for (const job of jobs) await send(job.id);
  });
}
`;

it('pg-boss 11: an untyped handler of an overloaded work() is reported, an annotated one rewritten, and the result type-checks', () => {
  const dir = aliasedProject('otelify-overloads-', { 'src/worker.ts': SOURCE, 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true, noEmit: true }, include: ['src'] }) }, { 'pg-boss': 'pg-boss-v11' });
  try {
    const report = applyIn(dir, 'src');
    const sites = report.sites.map(({ line, action, reason }) => ({ line, action, reason }));
    expect(sites).toEqual([
      { line: 4, action: 'skipped', reason: expect.stringContaining("take their type from one of the method's overloads") },
      { line: 7, action: 'instrumented', reason: undefined },
    ]);
    expect(readFileSync(join(dir, 'src/worker.ts'), 'utf8')).toContain('otelify.traceBatch(');
    const tsc = resolve(import.meta.dirname, '../node_modules/typescript/bin/tsc');
    const checked = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(checked.stdout + checked.stderr).toBe('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
