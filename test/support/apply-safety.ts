// Helpers for test/apply-safety.test.ts (GitHub issue 11): throwaway projects, a private copy of the built
// CLI, byte-for-byte snapshots of a tree, child processes run as another user or interrupted by a signal,
// and a seeded PRNG for the fuzz cases.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { makeProject, type ProjectOptions } from './project.js';

export const ROOT = resolve(import.meta.dirname, '../..');

const made: string[] = [];

/** Removes every folder this module made (call from afterAll). */
export function cleanUp(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A folder made read-only by a test, when the tests do not run as root.
      spawnSync('chmod', ['-R', 'u+rwx', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * A private copy of the built CLI (`dist/` and package.json, with node_modules linked to the repository's).
 * Other engineers rebuild `dist/` while these tests run (`npm run build` starts by deleting it), which would
 * make a child process fail to start halfway through the file; the copy is the same build, kept still. Waits
 * for a build in progress (its last step copies dist/engine/typescript.cjs) and copies again if a new build
 * started during the copy.
 */
export function stableBin(): string {
  const marker = join(ROOT, 'dist/engine/typescript.cjs');
  const deadline = Date.now() + 240_000;
  for (;;) {
    const before = existsSync(marker) && existsSync(join(ROOT, 'dist/cli/bin.js')) ? statSync(marker).mtimeMs : undefined;
    if (before !== undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'otelify-bin-'));
      made.push(dir);
      try {
        cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.map') });
        copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
        symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
        const still = existsSync(marker) && statSync(marker).mtimeMs === before;
        if (still && existsSync(join(dir, 'dist/engine/typescript.cjs')) && existsSync(join(dir, 'dist/cli/bin.js'))) {
          // Readable by the unprivileged user some tests run the CLI as.
          chmodSync(dir, 0o755);
          return join(dir, 'dist/cli/bin.js');
        }
      } catch {
        // dist/ was deleted under the copy: try again.
      }
    }
    if (Date.now() > deadline) throw new Error(`${join(ROOT, 'dist/cli/bin.js')} is missing: run \`npm run build\` first`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  }
}

export const PACKAGE_JSON = JSON.stringify({ name: 'shop', type: 'module' });

/** A throwaway project in os.tmpdir(), resolving packages from the repository's node_modules. */
export function project(files: Record<string, string | Buffer>, options: ProjectOptions = {}): string {
  const dir = makeProject('otelify-safety-', files, { packageJson: PACKAGE_JSON, ...options });
  made.push(dir);
  return dir;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const ENV = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

/** Runs the CLI to its end. `as` runs it as another user (the caller must be root). */
export function otelify(bin: string, cwd: string, args: string[], options: { as?: { uid: number; gid: number }; umask?: string } = {}): Run {
  const command = options.umask ? ['sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, bin, ...args]] as const : [process.execPath, [bin, ...args]] as const;
  const result = spawnSync(command[0], command[1], {
    cwd,
    encoding: 'utf8',
    env: options.as ? { ...ENV, HOME: cwd } : ENV,
    maxBuffer: 256 * 1024 * 1024,
    ...(options.as ? { uid: options.as.uid, gid: options.as.gid } : {}),
  });
  if (result.error) throw result.error;
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting; `done` settles when it has exited and its output is complete. */
export function start(bin: string, cwd: string, args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: ENV });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Run>((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** The user `nobody` (or another unprivileged one), for running the CLI as a user that is not root. */
export function nobody(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export function chownTree(dir: string, uid: number, gid: number): void {
  execFileSync('chown', ['-R', '-h', `${uid}:${gid}`, dir]);
}

/**
 * Every entry under `dir` by its path relative to it (`/`-separated), without following links and skipping
 * node_modules and .git: regular files as their bytes, links as `-> target`, folders as `<dir>`.
 */
export function snapshot(dir: string): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name === 'node_modules' || name === '.git') continue;
      const path = join(folder, name);
      const rel = relative(dir, path).split(sep).join('/');
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) entries.set(rel, Buffer.from(`-> ${readlinkSync(path)}`));
      else if (stat.isDirectory()) {
        entries.set(rel, Buffer.from('<dir>'));
        walk(path);
      } else entries.set(rel, readFileSync(path));
    }
  };
  walk(dir);
  return entries;
}

/**
 * The entries whose bytes differ between two snapshots (added, removed or changed), by path. Compared as
 * Buffers, never decoded.
 */
export function changedEntries(before: Map<string, Buffer>, after: Map<string, Buffer>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => {
    const a = before.get(path);
    const b = after.get(path);
    return !a || !b || !a.equals(b);
  }).sort();
}

/** Temporary, backup and lock files an otelify run leaves behind, anywhere under `dir` (including .git). */
export function leftovers(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(folder, entry.name);
      if (/\.otelify-\d+\.(tmp|orig)$/.test(entry.name) || /otelify\.lock$/.test(entry.name)) found.push(relative(dir, path));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** The counts of the summary's first line. */
export function summaryCounts(stdout: string): { scanned: number; parsed: number; ruledOut: number; notRead: number; changed: number; unchanged: number; failed: number } | undefined {
  const match = /(\d+) files? scanned \((\d+) parsed, (\d+) ruled out by the prefilter(?:, (\d+) not read)?\): (\d+) (?:changed|would change), (\d+) unchanged, (\d+) failed/.exec(stdout);
  if (!match) return undefined;
  const [scanned, parsed, ruledOut, notRead, changed, unchanged, failed] = match.slice(1).map((n) => Number(n ?? 0)) as [number, number, number, number, number, number, number];
  return { scanned, parsed, ruledOut, notRead, changed, unchanged, failed };
}

/** mulberry32: a small seeded PRNG, so a fuzz case can be replayed from its seed. */
export function prng(seed: number): { next(): number; int(max: number): number; bytes(length: number): Buffer } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return { next, int, bytes: (length) => Buffer.from(Array.from({ length }, () => int(256))) };
}

/** Polls `check` every few milliseconds until it is true or `timeoutMs` passes; returns whether it became true. */
export async function until(check: () => boolean, timeoutMs: number, everyMs = 3): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}
