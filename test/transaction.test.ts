// Recovery from a run killed at the worst moments of a write, driven through the lock it left.
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { acquireLock } from '../src/files/transaction.js';

/** The pid of a process that has ended. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(run.stdout);
}

it('a run killed after linking a backup but before replacing the file: the next run leaves the file as it was and no backup behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelify-recover-'));
  try {
    const file = join(dir, 'orders.ts');
    writeFileSync(file, 'export const old = 1;\n');
    const pid = deadPid();
    // The backup is a second name of the same file; renaming one onto the other does nothing (POSIX).
    linkSync(file, join(dir, `.orders.ts.otelify-${pid}.orig`));
    writeFileSync(join(dir, `.orders.ts.otelify-${pid}.tmp`), 'export const half =');
    const lockPath = join(dir, '.otelify.lock');
    writeFileSync(lockPath, JSON.stringify({ pid, host: hostname(), started: new Date().toISOString(), writes: [{ path: file, created: false }] }));
    const lock = acquireLock(lockPath);
    expect(lock.recovered).toEqual([file]);
    lock.release();
    expect(readFileSync(file, 'utf8')).toBe('export const old = 1;\n');
    expect(readdirSync(dir)).toEqual(['orders.ts']);
    expect(existsSync(lockPath)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
