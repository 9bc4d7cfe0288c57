// `otelify apply` leaves a tree rewritten or as it was, whatever it meets: other encodings, CRLF, symbolic
// link loops and links out of the tree, huge and deeply nested files, signals, unwritable folders, read-only
// files, another run, random bytes (GitHub issue 11). Every test runs the built CLI in a child process on a
// throwaway project and compares the bytes of every file before and after.
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changedEntries,
  chownTree,
  cleanUp,
  leftovers,
  nobody,
  otelify,
  PACKAGE_JSON,
  prng,
  project,
  ROOT,
  snapshot,
  stableBin,
  start,
  summaryCounts,
  until,
  type Run,
} from './support/apply-safety.js';

const RUNTIME_VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/runtime/package.json'), 'utf8')) as { version: string }).version;
const IS_ROOT = process.getuid?.() === 0;

/** A file with one amqplib call site; `name` keeps files of a big tree apart. */
const producer = (name = 'publishOrder', eol = '\n') =>
  ["import type { Channel } from 'amqplib';", `export function ${name}(channel: Channel, id: string) {`, "  channel.sendToQueue('orders', Buffer.from(id));", '}', ''].join(eol);
/** {@link producer} as apply rewrites it, importing the runtime from `runtime`. */
const rewritten = (name = 'publishOrder', eol = '\n', runtime = '@otelify/runtime') =>
  [
    "import type { Channel } from 'amqplib';",
    `import * as otelify from '${runtime}';`,
    `export function ${name}(channel: Channel, id: string) {`,
    // The file keeps to 80 columns: the inserted spec breaks across lines.
    '  otelify.traceSend({',
    "    system: 'rabbitmq',",
    "    operation: 'publish',",
    "    destination: 'orders',",
    "  }, () => channel.sendToQueue('orders', Buffer.from(id), otelify.inject({}, 'headers')));",
    '}',
    '',
  ].join(eol);
const CONSUMER = `import type { Channel } from 'amqplib';

export async function consumeOrders(channel: Channel) {
  await channel.consume('orders', (msg) => {
    if (msg) channel.ack(msg);
  });
}
`;
const LLM_CALLS = `import OpenAI from 'openai';

const openai = new OpenAI();

export async function answer(question: string) {
  return openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] });
}
`;
const UNRELATED = 'export const answer = 42;\n';
const BROKEN = "import type { Channel } from 'amqplib';\nexport function f(channel: Channel) {\n  channel.sendToQueue('q', Buffer.from('x')\n}\n";
/** package.json after apply declared the runtime package (default mode) or only the API (vendor mode). */
const PACKAGE_AFTER = `{"name":"shop","type":"module","dependencies":{"@opentelemetry/api":"^1.9.0","@otelify/runtime":"^${RUNTIME_VERSION}"}}`;
const PACKAGE_AFTER_VENDOR = '{"name":"shop","type":"module","dependencies":{"@opentelemetry/api":"^1.9.0"}}';

const bytes = (text: string | Buffer) => (typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
const file = (dir: string, path: string) => readFileSync(join(dir, path));
/** Asserts a file's bytes (as a Buffer comparison; the message shows the text). */
function expectBytes(dir: string, path: string, expected: string | Buffer): void {
  const actual = file(dir, path);
  if (!actual.equals(bytes(expected))) expect({ path, text: actual.toString('latin1') }).toEqual({ path, text: bytes(expected).toString('latin1') });
}
/** Asserts that exactly `paths` changed between `before` and now (every other entry is byte-for-byte as it was). */
function expectChanged(dir: string, before: Map<string, Buffer>, paths: string[]): void {
  expect(changedEntries(before, snapshot(dir))).toEqual([...paths].sort());
}
const noStackTrace = (run: Run) => {
  expect(run.stderr).not.toMatch(/^\s+at .+[:(]\d+/m);
  expect(run.stderr).not.toMatch(/\b(Type|Range|Reference|Syntax)?Error\b/);
};
const json = (run: Run) => JSON.parse(run.stdout) as {
  files: { scanned: number; parsed: number; ruledOut: number; notRead: number; changed: number; unchanged: number; failed: number };
  sites: { file: string; line: number; action: string }[];
  failures: { file: string; line?: number; column?: number; message: string }[];
  written: string[];
  notes: string[];
  outcome?: string;
};

let BIN: string;
const run = (cwd: string, ...args: string[]) => otelify(BIN, cwd, args);

beforeAll(() => {
  BIN = stableBin();
}, 300_000);
afterAll(() => cleanUp());

describe('1. encodings', () => {
  // The Latin-1 file of the issue: a call site, and 'Grüße' as the bytes 47 72 fc df 65.
  const LATIN1 = Buffer.from(producer().replace('Buffer.from(id)', "Buffer.from('Grüße')"), 'latin1');

  it('a Latin-1 file with a call site is reported at its first bad byte and left byte-for-byte; exit 1; the other files are still rewritten', () => {
    const dir = project({ 'src/latin1.ts': LATIN1, 'src/producer.ts': producer() });
    const before = snapshot(dir);
    const at = LATIN1.indexOf(0xfc);
    const line = LATIN1.subarray(0, at).filter((b) => b === 0x0a).length + 1;
    const column = at - LATIN1.lastIndexOf(0x0a, at);
    expect([line, column]).toEqual([3, 48]);

    const result = run(dir, 'apply', 'src', '--force');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`failed src/latin1.ts:${line}:${column}: not valid UTF-8 (byte 0xfc)`);
    noStackTrace(result);
    expectChanged(dir, before, ['package.json', 'src/producer.ts']);
    expectBytes(dir, 'src/latin1.ts', LATIN1);
    expectBytes(dir, 'src/producer.ts', rewritten());
    expectBytes(dir, 'package.json', PACKAGE_AFTER);
  });

  it('a non-UTF-8 file without a call site is not reported at all', () => {
    const plain = Buffer.from("export const greeting = 'Grüße';\n", 'latin1');
    const dir = project({ 'src/greeting.ts': plain, 'src/producer.ts': producer() });
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('greeting');
    expect(result.stdout).not.toContain('UTF-8');
    expect(result.stderr).toBe('');
    expect(summaryCounts(result.stdout)).toEqual({ scanned: 2, parsed: 1, ruledOut: 0, notRead: 1, changed: 1, unchanged: 1, failed: 0 });
    expectChanged(dir, before, ['package.json', 'src/producer.ts']);
    expectBytes(dir, 'src/greeting.ts', plain);
    expectBytes(dir, 'src/producer.ts', rewritten());
  });

  it('a UTF-8 file with a BOM keeps its BOM after rewriting', () => {
    const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
    const dir = project({ 'src/bom.ts': Buffer.concat([BOM, bytes(producer())]) });
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 changed, 0 unchanged, 0 failed');
    expectChanged(dir, before, ['package.json', 'src/bom.ts']);
    expectBytes(dir, 'src/bom.ts', Buffer.concat([BOM, bytes(rewritten())]));
    expectBytes(dir, 'package.json', PACKAGE_AFTER);
  });
});

describe('2. line endings', () => {
  /** Each line's ending, in order ('\r\n' or '\n'; '' for a last line without one). */
  const endings = (buffer: Buffer) => (buffer.toString('latin1').match(/[^\n]*(\n|$)/g) ?? []).filter((l) => l !== '').map((l) => (l.endsWith('\r\n') ? '\r\n' : l.endsWith('\n') ? '\n' : ''));

  it('a CRLF file is rewritten with CRLF on every line, the inserted import line too', () => {
    const dir = project({ 'src/crlf.ts': producer('publishOrder', '\r\n') });
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force');
    expect(result.code).toBe(0);
    expectChanged(dir, before, ['package.json', 'src/crlf.ts']);
    expectBytes(dir, 'src/crlf.ts', rewritten('publishOrder', '\r\n'));
    const after = file(dir, 'src/crlf.ts');
    expect(new Set(endings(after))).toEqual(new Set(['\r\n']));
    // No lone LF anywhere.
    expect(after.toString('latin1')).not.toMatch(/[^\r]\n/);
  });

  it('a mixed file gets its dominant ending on inserted lines and keeps each original line\'s ending', () => {
    // Lines as [text, ending]: the first file is mostly CRLF, the second mostly LF.
    const mostlyCrlf: [string, string][] = [
      ["import type { Channel } from 'amqplib';", '\r\n'],
      ['', '\n'],
      ['export async function consumeOrders(channel: Channel) {', '\r\n'],
      ["  await channel.consume('orders', (msg) => {", '\n'],
      ['    if (msg) channel.ack(msg);', '\r\n'],
      ['  });', '\r\n'],
      ['}', '\n'],
    ];
    const mostlyLf: [string, string][] = mostlyCrlf.map(([text], i) => [text, i === 2 || i === 5 ? '\r\n' : '\n']);
    const join_ = (lines: [string, string][]) => lines.map(([t, e]) => t + e).join('');
    const dir = project({ 'src/crlf-mostly.ts': join_(mostlyCrlf), 'src/lf-mostly.ts': join_(mostlyLf) });
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force');
    expect(result.code).toBe(0);
    expectChanged(dir, before, ['package.json', 'src/crlf-mostly.ts', 'src/lf-mostly.ts']);
    for (const [path, lines, dominant] of [['src/crlf-mostly.ts', mostlyCrlf, '\r\n'], ['src/lf-mostly.ts', mostlyLf, '\n']] as const) {
      const after = file(dir, path);
      const text = after.toString('utf8');
      // The import's line, right after the first, and the lines of the spec inserted on the consume line (it
      // breaks across lines where the line would be too long) end with the dominant ending; every original line
      // keeps its own.
      const consume = lines.findIndex(([t]) => t.includes('channel.consume'));
      const broken = endings(after).length - lines.length - 1;
      expect(broken).toBeGreaterThanOrEqual(0);
      const own = lines.slice(1).map(([, e]) => e);
      own.splice(consume - 1, 0, ...Array<string>(broken).fill(dominant));
      const expectedEndings = [lines[0]![1], dominant, ...own];
      expect({ path, endings: endings(after) }).toEqual({ path, endings: expectedEndings });
      expect(text.startsWith(`${lines[0]![0]}${lines[0]![1]}import * as otelify from '@otelify/runtime';${dominant}`)).toBe(true);
      expect(text).toContain("await channel.consume('orders', otelify.traceProcess(");
    }
  });
});

describe('3-4. symbolic links', () => {
  /** src/ with three real files, reachable through a link loop (self -> .), folders linking to each other, a dangling loop (a -> b -> a) and a link to a file. */
  function linkedTree(): string {
    const dir = project({
      'src/orders/producer.ts': producer('publishOrder'),
      'src/billing/invoice.ts': producer('publishInvoice'),
      'src/loop1/deep.ts': producer('publishDeep'),
    });
    symlinkSync('.', join(dir, 'src/self'));
    symlinkSync('b', join(dir, 'src/a'));
    symlinkSync('a', join(dir, 'src/b'));
    mkdirSync(join(dir, 'src/loop2'));
    symlinkSync('../loop2', join(dir, 'src/loop1/to2'));
    symlinkSync('../loop1', join(dir, 'src/loop2/to1'));
    symlinkSync('orders/producer.ts', join(dir, 'src/alias.ts'));
    return dir;
  }
  const REAL = ['src/billing/invoice.ts', 'src/loop1/deep.ts', 'src/orders/producer.ts'];
  const NAMES: Record<string, string> = { 'src/orders/producer.ts': 'publishOrder', 'src/billing/invoice.ts': 'publishInvoice', 'src/loop1/deep.ts': 'publishDeep' };

  it('3. a link loop: each real file is processed once, written once, and --verbose mentions the links', () => {
    const dir = linkedTree();
    const before = snapshot(dir);
    const dry = run(dir, 'apply', 'src', '--dry', '--verbose');
    expect(dry.code).toBe(0);
    noStackTrace(dry);
    expect(changedEntries(before, snapshot(dir))).toEqual([]);
    expect(dry.stdout).toContain(`${dir}/src/alias.ts: a link to ${dir}/src/orders/producer.ts, which is processed once under its own path`);
    expect(dry.stdout).toMatch(new RegExp(`${dir}/src/self/orders/producer\\.ts: a link to ${dir}/src/orders/producer\\.ts`));
    expect(summaryCounts(dry.stdout)).toEqual({ scanned: 3, parsed: 3, ruledOut: 0, notRead: 0, changed: 3, unchanged: 0, failed: 0 });

    const result = run(dir, 'apply', 'src', '--force', '--json');
    expect(result.code).toBe(0);
    const report = json(result);
    expect(report.sites.map((s) => `${s.file}:${s.line}:${s.action}`).sort()).toEqual(REAL.map((f) => `${f}:3:instrumented`));
    expect(report.written.sort()).toEqual(['package.json', ...REAL].sort());
    expect(report.files).toMatchObject({ scanned: 3, changed: 3, failed: 0 });
    // Only the real files changed (the links are as they were), each rewritten once.
    expectChanged(dir, before, ['package.json', ...REAL]);
    for (const path of REAL) expectBytes(dir, path, rewritten(NAMES[path]));
    expectBytes(dir, 'package.json', PACKAGE_AFTER);
    expect(leftovers(dir)).toEqual([]);
  });

  it('3. with --runtime vendor, the relative import of the runtime is computed from the real location', () => {
    const dir = linkedTree();
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force', '--runtime', 'vendor', '--json');
    expect(result.code).toBe(0);
    const report = json(result);
    expect(report.sites.map((s) => s.file).sort()).toEqual(REAL);
    expect(report.written.sort()).toEqual(['package.json', ...REAL, 'src/otelify.runtime.ts'].sort());
    expectChanged(dir, before, ['package.json', ...REAL, 'src/otelify.runtime.ts']);
    // Every real file sits one folder below src/, where the runtime goes: through src/self/... it would be ../../.
    for (const path of REAL) expectBytes(dir, path, rewritten(NAMES[path], '\n', '../otelify.runtime.js'));
    expect(file(dir, 'src/otelify.runtime.ts').toString('utf8')).toContain('export function traceSend');
    expectBytes(dir, 'package.json', PACKAGE_AFTER_VENDOR);
  });

  it('3. --json --verbose still prints only JSON on stdout', () => {
    const dir = linkedTree();
    const result = run(dir, 'apply', 'src', '--dry', '--json', '--verbose');
    expect(result.code).toBe(0);
    expect(json(result).sites.map((s) => s.file).sort()).toEqual(REAL);
  });

  it('4. links to a file and to a folder outside the given path are skipped (--verbose says so) and those files are not rewritten', () => {
    const dir = project({ 'src/own.ts': producer(), 'outside/out.ts': producer('publishOutside'), 'outside/dir/inner.ts': producer('publishInner') });
    symlinkSync('../outside/out.ts', join(dir, 'src/linked-out.ts'));
    symlinkSync('../outside/dir', join(dir, 'src/linked-dir'));
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force', '--verbose');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${dir}/src/linked-out.ts: a link to ${dir}/outside/out.ts, outside the given paths, skipped`);
    expect(result.stdout).toContain(`${dir}/src/linked-dir/inner.ts: a link to ${dir}/outside/dir/inner.ts, outside the given paths, skipped`);
    expect(summaryCounts(result.stdout)).toEqual({ scanned: 1, parsed: 1, ruledOut: 0, notRead: 0, changed: 1, unchanged: 0, failed: 0 });
    expectChanged(dir, before, ['package.json', 'src/own.ts']);
    expectBytes(dir, 'outside/out.ts', producer('publishOutside'));
    expectBytes(dir, 'outside/dir/inner.ts', producer('publishInner'));
    expectBytes(dir, 'src/own.ts', rewritten());
  });
});

describe('5. scale', () => {
  it('a ~20 MB file with very many call sites is reported as too large with a reason; the run does not crash; the others are rewritten', () => {
    const parts = ["import type { Channel } from 'amqplib';\n"];
    let size = parts[0]!.length;
    for (let i = 0; size < 20 * 1024 * 1024; i++) {
      const part = `export function publish${i}(channel: Channel, id: string) {\n  channel.sendToQueue('orders', Buffer.from(id));\n}\n`;
      parts.push(part);
      size += part.length;
    }
    const huge = Buffer.from(parts.join(''));
    const dir = project({ 'src/huge.ts': huge, 'src/producer.ts': producer() });
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force');
    expect(result.code).toBe(1);
    noStackTrace(result);
    expect(result.stdout).toMatch(/failed src\/huge\.ts: too large to analyse \(20\.0 MB; the limit is 5 MB\)/);
    expect(summaryCounts(result.stdout)).toEqual({ scanned: 2, parsed: 1, ruledOut: 0, notRead: 1, changed: 1, unchanged: 0, failed: 1 });
    expectChanged(dir, before, ['package.json', 'src/producer.ts']);
    expectBytes(dir, 'src/producer.ts', rewritten());
  }, 60_000);

  it('deeply nested files under the limit (20,000 parentheses, arrays, blocks; a 200,000-term + chain) are rewritten or reported with a reason, never a crash', () => {
    const call = "channel.sendToQueue('orders', Buffer.from(id))";
    const wrap = (body: string) => `import type { Channel } from 'amqplib';\nexport function f(channel: Channel, id: string, a: number) {\n${body}\n}\n`;
    const n = 20_000;
    const deep: Record<string, string> = {
      'src/parens.ts': wrap(`  return ${'('.repeat(n)}${call}${')'.repeat(n)};`),
      'src/arrays.ts': wrap(`  return ${'['.repeat(n)}${call}${']'.repeat(n)};`),
      'src/blocks.ts': wrap(`${'{'.repeat(n)}${call};${'}'.repeat(n)}`),
      'src/chain.ts': wrap(`  ${call};\n  return ${Array(200_000).fill('a').join(' + ')};`),
    };
    const dir = project({ ...deep, 'src/producer.ts': producer() });
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force', '--json');
    noStackTrace(result);
    expect([0, 1]).toContain(result.code);
    const report = json(result);
    for (const path of Object.keys(deep)) {
      const failure = report.failures.find((f) => f.file === path);
      if (report.written.includes(path)) {
        expect(file(dir, path).toString('utf8')).toContain("import * as otelify from '@otelify/runtime';");
      } else {
        expect({ path, reason: failure?.message }).toEqual({ path, reason: expect.stringMatching(/\w+.*\w+/) });
        expectBytes(dir, path, deep[path]!);
      }
    }
    expect(result.code).toBe(report.failures.length > 0 ? 1 : 0);
    expect(report.files.scanned).toBe(report.files.changed + report.files.unchanged + report.files.failed);
    expectBytes(dir, 'src/producer.ts', rewritten());
    expect(changedEntries(before, snapshot(dir))).toEqual(['package.json', ...report.written.filter((w) => w !== 'package.json')].sort());
  }, 90_000);
});

describe('6. killed runs', () => {
  const FILES = 2000;
  const FOLDERS = 20;
  const name = (i: number) => `publishOrder${i}`;
  const pathOf = (i: number) => `src/m${i % FOLDERS}/f${i}.ts`;
  /** A tree big enough that its writes take seconds (each is fsynced): 2,000 files with a call site each. */
  const bigTree = () => project(Object.fromEntries(Array.from({ length: FILES }, (_, i) => [pathOf(i), producer(name(i))])));
  const folders = (dir: string) => [dir, ...Array.from({ length: FOLDERS }, (_, i) => join(dir, `src/m${i}`))];
  const inFlight = (dir: string) => folders(dir).some((folder) => readdirSync(folder).some((n) => /\.otelify-\d+\.(tmp|orig)$/.test(n)));

  /** Starts `apply src --force`, waits until it is writing (`when`), sends `signal`, waits for it to end. */
  async function interrupt(signal: NodeJS.Signals, when: (dir: string) => boolean) {
    const dir = bigTree();
    const before = snapshot(dir);
    const child = start(BIN, dir, ['apply', 'src', '--force']);
    const midWrite = await until(() => when(dir), 90_000);
    const sent = child.child.kill(signal);
    const result = await child.done;
    return { dir, before, midWrite, sent, result };
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while writing: every file is put back, no temporary or backup file or lock remains, the run ends by ${signal}`, async () => {
      const { dir, before, midWrite, sent, result } = await interrupt(signal, inFlight);
      expect(midWrite).toBe(true);
      expect(sent).toBe(true);
      expect(changedEntries(before, snapshot(dir))).toEqual([]);
      expect(leftovers(dir)).toEqual([]);
      expect(result.signal === signal || result.code === (signal === 'SIGINT' ? 130 : 143)).toBe(true);
      expect(result.stderr).toMatch(new RegExp(`interrupted by ${signal}: every file was put back`));
    }, 120_000);
  }

  it('SIGKILL while writing leaves files half-written; the next run puts them back or completes consistently, leaves nothing behind and says so', async () => {
    // Killed once at least one file (package.json, the first in path order) has really been replaced.
    const { dir, before, midWrite, result } = await interrupt('SIGKILL', (d) => !file(d, 'package.json').equals(bytes(PACKAGE_JSON)));
    expect(midWrite).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(leftovers(dir).length).toBeGreaterThan(0);

    const second = run(dir, 'apply', 'src', '--force');
    noStackTrace(second);
    expect(second.stdout).toContain('a run that was killed while writing had changed package.json: put back as it was');
    expect(leftovers(dir)).toEqual([]);
    const changed = changedEntries(before, snapshot(dir));
    if (changed.length > 0) {
      // Completed: every file rewritten exactly once, and the dependencies declared.
      expect(second.code).toBe(0);
      expectBytes(dir, 'package.json', PACKAGE_AFTER);
      const wrong = Array.from({ length: FILES }, (_, i) => i).filter((i) => !file(dir, pathOf(i)).equals(bytes(rewritten(name(i)))));
      expect(wrong.map(pathOf)).toEqual([]);
    }
  }, 120_000);

  it('10. two runs at once: one refuses with exit 2 naming the other\'s pid and the lock; the tree is rewritten exactly once', async () => {
    const dir = bigTree();
    const before = snapshot(dir);
    const a = start(BIN, dir, ['apply', 'src', '--force']);
    const b = start(BIN, dir, ['apply', 'src', '--force']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    const codes = [ra.code, rb.code];
    expect(codes.slice().sort()).toEqual([0, 2]);
    const [winner, loser, winnerPid] = ra.code === 0 ? [ra, rb, a.child.pid] : [rb, ra, b.child.pid];
    expect(loser.stderr).toContain(`another otelify run (pid ${winnerPid}`);
    expect(loser.stderr).toContain(`its lock is ${dir}/.otelify.lock; nothing was written`);
    noStackTrace(winner);
    expect(summaryCounts(winner.stdout)).toEqual({ scanned: FILES, parsed: FILES, ruledOut: 0, notRead: 0, changed: FILES, unchanged: 0, failed: 0 });
    expect(leftovers(dir)).toEqual([]);
    const expected = new Map(before);
    expected.set('package.json', bytes(PACKAGE_AFTER));
    for (let i = 0; i < FILES; i++) expected.set(pathOf(i), bytes(rewritten(name(i))));
    expect(changedEntries(expected, snapshot(dir))).toEqual([]);

    const again = run(dir, 'apply', 'src', '--force', '--json');
    expect(again.code).toBe(0);
    expect(json(again).written).toEqual([]);
    expect(json(again).files.changed).toBe(0);
    expect(changedEntries(expected, snapshot(dir))).toEqual([]);
  }, 120_000);
});

describe('7-9. folders and files that cannot or must not be written', () => {
  /** Runs the CLI as an unprivileged user: as `nobody` (owning the tree) when the tests run as root. */
  function unprivileged(dir: string): { as?: { uid: number; gid: number } } {
    if (!IS_ROOT) return {};
    const user = nobody();
    chownTree(dir, user.uid, user.gid);
    return { as: user };
  }
  /** Two call sites in two folders, so that the vendored runtime goes into src/ itself. */
  const twoFolders = () => ({ 'src/orders/producer.ts': producer('publishOrder'), 'src/billing/invoice.ts': producer('publishInvoice') });

  it('7. --runtime vendor with the source root not writable (git tree): nothing is written, exit 1, the message says why', () => {
    const dir = project(twoFolders(), { git: true });
    const who = unprivileged(dir);
    chmodSync(join(dir, 'src'), 0o555);
    const before = snapshot(dir);
    const result = otelify(BIN, dir, ['apply', 'src', '--runtime', 'vendor'], who);
    expect(result.code).toBe(1);
    noStackTrace(result);
    expect(result.stdout).toContain(`failed src/otelify.runtime.ts: cannot be written: its folder ${dir}/src is not writable`);
    expect(result.stdout).toContain('nothing was written: every file is left as it was');
    expectChanged(dir, before, []);
    expect(leftovers(dir)).toEqual([]);
  });

  it('7. --runtime vendor with the source root not writable (no git, --force): nothing is written, exit 1, the message says why', () => {
    const dir = project(twoFolders());
    const who = unprivileged(dir);
    chmodSync(join(dir, 'src'), 0o555);
    const before = snapshot(dir);
    const result = otelify(BIN, dir, ['apply', 'src', '--force', '--runtime', 'vendor'], who);
    expectChanged(dir, before, []);
    noStackTrace(result);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/not writable/);
  });

  it('7. --runtime vendor with a folder where the runtime file goes: nothing is written, exit 1, the message says why', () => {
    const dir = project(twoFolders());
    mkdirSync(join(dir, 'src/otelify.runtime.ts'));
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force', '--runtime', 'vendor');
    expectChanged(dir, before, []);
    noStackTrace(result);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/failed src\/otelify\.runtime\.ts: .*(folder|director|not a regular file)/);
  });

  it('8. runtimeFile naming an existing source file: it and the files that would import it are left untouched, and the message says so', () => {
    const dir = project({ ...twoFolders(), 'src/util.ts': UNRELATED, 'otelify.config.json': JSON.stringify({ runtimeFile: 'src/util.ts' }) });
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force', '--runtime', 'vendor');
    expect(result.code).toBe(1);
    noStackTrace(result);
    expect(result.stdout).toContain('failed src/util.ts: exists and was not written by otelify, so the runtime cannot go there');
    expect(result.stdout).toContain('failed src/orders/producer.ts: not rewritten: its runtime src/util.ts cannot be written');
    expect(result.stdout).toContain('failed src/billing/invoice.ts: not rewritten: its runtime src/util.ts cannot be written');
    expect(summaryCounts(result.stdout)).toEqual({ scanned: 3, parsed: 2, ruledOut: 1, notRead: 0, changed: 0, unchanged: 1, failed: 2 });
    expect(result.stdout).not.toContain('dependencies package.json gained');
    expectChanged(dir, before, []);

    // runtimeFile naming a file with a call site of its own: the same.
    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ runtimeFile: 'src/orders/producer.ts' }));
    const before2 = snapshot(dir);
    const second = run(dir, 'apply', 'src', '--force', '--runtime', 'vendor');
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('failed src/orders/producer.ts: exists and was not written by otelify');
    expect(second.stdout).toContain('failed src/billing/invoice.ts: not rewritten: its runtime src/orders/producer.ts cannot be written');
    expectChanged(dir, before2, []);
  });

  it('8. runtimeFile naming an existing source file: the call sites left untouched are not reported as instrumented', () => {
    const dir = project({ ...twoFolders(), 'src/util.ts': UNRELATED, 'otelify.config.json': JSON.stringify({ runtimeFile: 'src/util.ts' }) });
    const report = json(run(dir, 'apply', 'src', '--force', '--runtime', 'vendor', '--json'));
    expect(report.written).toEqual([]);
    expect(report.sites.filter((s) => s.action === 'instrumented')).toEqual([]);
  });

  it('9. a read-only source file is reported and nothing is written (all or nothing), exit 1; --force-readonly writes it and keeps mode 0444', () => {
    const dir = project({ 'src/a.ts': producer('publishA'), 'src/readonly.ts': producer('publishReadOnly'), 'src/z.ts': producer('publishZ') });
    chmodSync(join(dir, 'src/readonly.ts'), 0o444);
    const before = snapshot(dir);
    const refused = run(dir, 'apply', 'src', '--force');
    expect(refused.code).toBe(1);
    noStackTrace(refused);
    expect(refused.stdout).toContain('failed src/readonly.ts: cannot be written: it is read-only (use --force-readonly to write it anyway)');
    expect(refused.stdout).toContain('nothing was written: every file is left as it was');
    expectChanged(dir, before, []);
    expect(leftovers(dir)).toEqual([]);

    const forced = run(dir, 'apply', 'src', '--force', '--force-readonly');
    expect(forced.code).toBe(0);
    expectChanged(dir, before, ['package.json', 'src/a.ts', 'src/readonly.ts', 'src/z.ts']);
    expectBytes(dir, 'src/readonly.ts', rewritten('publishReadOnly'));
    expect(statSync(join(dir, 'src/readonly.ts')).mode & 0o7777).toBe(0o444);
    expect(leftovers(dir)).toEqual([]);
  });

  it.skipIf(!IS_ROOT)('9. a file owned by another user keeps its owner and group after rewriting (run as root)', () => {
    const dir = project({ 'src/theirs.ts': producer() });
    const user = nobody();
    chownSync(join(dir, 'src/theirs.ts'), user.uid, user.gid);
    chmodSync(join(dir, 'src/theirs.ts'), 0o640);
    const before = snapshot(dir);
    const result = run(dir, 'apply', 'src', '--force');
    expect(result.code).toBe(0);
    expectChanged(dir, before, ['package.json', 'src/theirs.ts']);
    expectBytes(dir, 'src/theirs.ts', rewritten());
    const stat = statSync(join(dir, 'src/theirs.ts'));
    expect({ uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 }).toEqual({ uid: user.uid, gid: user.gid, mode: 0o640 });
  });

  it('9. a rewritten file keeps its mode whatever the umask (0664 and 0775 under umask 022)', () => {
    const dir = project({ 'src/shared.ts': producer('publishShared'), 'src/script.ts': producer('publishScript') });
    chmodSync(join(dir, 'src/shared.ts'), 0o664);
    chmodSync(join(dir, 'src/script.ts'), 0o775);
    const result = otelify(BIN, dir, ['apply', 'src', '--force'], { umask: '022' });
    expect(result.code).toBe(0);
    expectBytes(dir, 'src/shared.ts', rewritten('publishShared'));
    expect((statSync(join(dir, 'src/shared.ts')).mode & 0o7777).toString(8)).toBe('664');
    expect((statSync(join(dir, 'src/script.ts')).mode & 0o7777).toString(8)).toBe('775');
  });
});

describe('11-12. summary counts and --check', () => {
  /** Changed, already instrumented, ruled out, unparseable and non-UTF-8 files (with and without a call site). */
  const MIXED = {
    'src/producer.ts': producer(),
    'src/consumer.ts': CONSUMER,
    'src/done.ts': rewritten('publishDone'),
    'src/util.ts': UNRELATED,
    'src/broken.ts': BROKEN,
    'src/latin1-site.ts': Buffer.from(producer().replace('Buffer.from(id)', "Buffer.from('Grüße')"), 'latin1'),
    'src/latin1-plain.ts': Buffer.from("export const greeting = 'Grüße';\n", 'latin1'),
  };

  it('11. N = P + R and N = C + U + F, in the text summary and in --json, with every kind of file', () => {
    const dir = project(MIXED);
    const before = snapshot(dir);
    const expected = { scanned: 7, parsed: 4, ruledOut: 1, notRead: 2, changed: 2, unchanged: 3, failed: 2 };
    const check = (counts: typeof expected | undefined) => {
      expect(counts).toEqual(expected);
      expect(counts!.scanned).toBe(counts!.parsed + counts!.ruledOut + counts!.notRead);
      expect(counts!.scanned).toBe(counts!.changed + counts!.unchanged + counts!.failed);
    };

    const dry = run(dir, 'apply', 'src', '--dry');
    expect(dry.code).toBe(1);
    check(summaryCounts(dry.stdout));
    expect(dry.stdout).toContain('2 would change');
    const dryJson = json(run(dir, 'apply', 'src', '--dry', '--json'));
    check(dryJson.files);
    expect(new Set(dryJson.failures.map((f) => f.file))).toEqual(new Set(['src/broken.ts', 'src/latin1-site.ts']));
    expectChanged(dir, before, []);

    const written = run(dir, 'apply', 'src', '--force', '--json');
    expect(written.code).toBe(1);
    const report = json(written);
    check(report.files);
    expect(report.written.sort()).toEqual(['package.json', 'src/consumer.ts', 'src/producer.ts']);
    expect(report.failures.map((f) => `${f.file}:${f.line}:${f.column}`).sort()).toEqual(['src/broken.ts:4:1', 'src/latin1-site.ts:3:48']);
    expectChanged(dir, before, ['package.json', 'src/consumer.ts', 'src/producer.ts']);

    const again = run(dir, 'apply', 'src', '--force');
    expect(again.code).toBe(1);
    const counts = summaryCounts(again.stdout)!;
    expect(counts).toEqual({ scanned: 7, parsed: 4, ruledOut: 1, notRead: 2, changed: 0, unchanged: 5, failed: 2 });
    expect(counts.scanned).toBe(counts.parsed + counts.ruledOut + counts.notRead);
    expect(counts.scanned).toBe(counts.changed + counts.unchanged + counts.failed);
  });

  it('12. --check exits 1 and writes nothing when files would change, and exits 0 once the tree is instrumented', () => {
    const dir = project({ 'src/producer.ts': producer(), 'src/consumer.ts': CONSUMER, 'src/util.ts': UNRELATED });
    const before = snapshot(dir);
    const pending = run(dir, 'apply', 'src', '--check');
    expect(pending.code).toBe(1);
    expect(pending.stdout).toContain('3 files would change (--check: nothing written)');
    expect(summaryCounts(pending.stdout)).toEqual({ scanned: 3, parsed: 2, ruledOut: 1, notRead: 0, changed: 2, unchanged: 1, failed: 0 });
    expectChanged(dir, before, []);
    expect(leftovers(dir)).toEqual([]);

    expect(run(dir, 'apply', 'src', '--force').code).toBe(0);
    const instrumented = snapshot(dir);
    const clean = run(dir, 'apply', 'src', '--check');
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain('would change (--check');
    expect(summaryCounts(clean.stdout)).toEqual({ scanned: 3, parsed: 2, ruledOut: 1, notRead: 0, changed: 0, unchanged: 3, failed: 0 });
    expectChanged(dir, instrumented, []);
  });
});

describe('13. fuzz', () => {
  it('200 seeded random inputs: no crash, every file not rewritten is byte-identical, every failure names its file (and line)', () => {
    const SEED = 11;
    const random = prng(SEED);
    const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
    const bases = [
      bytes(producer()),
      bytes(CONSUMER),
      bytes(LLM_CALLS),
      bytes(producer('publishCrlf', '\r\n')),
      Buffer.concat([BOM, bytes(producer('publishBom'))]),
      bytes(producer('publishGreeting').replace('Buffer.from(id)', "Buffer.from('Grüße — ✓ 𝄞')")),
    ];
    const extensions = ['ts', 'ts', 'ts', 'tsx', 'mts', 'js', 'mjs', 'cjs'];
    const cases: Record<string, Buffer> = {};
    const kinds: Record<string, string> = {};
    for (let i = 0; i < 200; i++) {
      const path = `src/case-${String(i).padStart(3, '0')}.${extensions[random.int(extensions.length)]}`;
      const base = bases[random.int(bases.length)]!;
      let content: Buffer;
      if (i % 3 === 0) {
        content = random.bytes(random.int(3000));
        kinds[path] = 'random bytes';
      } else if (i % 3 === 1) {
        content = base.subarray(0, random.int(base.length));
        kinds[path] = `truncated at ${content.length}`;
      } else {
        content = base;
        const inserts = 1 + random.int(3);
        for (let k = 0; k < inserts; k++) {
          // Raw random bytes, or printable ASCII, or whitespace after a space or a line end (which mostly
          // leaves the file valid).
          const flavour = random.int(3);
          let at = random.int(content.length + 1);
          if (flavour === 2) {
            const next = [content.indexOf(0x20, at), content.indexOf(0x0a, at)].filter((i) => i >= 0);
            at = next.length > 0 ? Math.min(...next) + 1 : content.length;
          }
          const length = 1 + random.int(12);
          const inserted =
            flavour === 0
              ? random.bytes(length)
              : Buffer.from(Array.from({ length }, () => (flavour === 1 ? 0x20 + random.int(95) : [0x20, 0x09, 0x0a, 0x0d][random.int(4)]!)));
          content = Buffer.concat([content.subarray(0, at), inserted, content.subarray(at)]);
        }
        kinds[path] = `${inserts} random insertions`;
      }
      cases[path] = content;
    }
    const dir = project(cases);
    const before = snapshot(dir);
    const names = new Set(Object.keys(cases));

    // A dry run first: the text report.
    const dry = run(dir, 'apply', 'src', '--dry');
    expect([0, 1]).toContain(dry.code);
    noStackTrace(dry);
    expect(dry.stderr).toBe('');
    for (const line of dry.stdout.split('\n').filter((l) => /^\s+failed /.test(l))) {
      const match = /^\s+failed (src\/case-\d{3}\.\w+)(?::(\d+):(\d+))?: \S/.exec(line);
      expect({ line, named: !!match && names.has(match[1]!) }).toEqual({ line, named: true });
      if (!/: too large/.test(line)) expect({ line, located: !!match?.[2] }).toEqual({ line, located: true });
    }
    expectChanged(dir, before, []);

    const result = run(dir, 'apply', 'src', '--force', '--json');
    expect([0, 1]).toContain(result.code);
    noStackTrace(result);
    expect(result.stderr).toBe('');
    const report = json(result);
    expect(report.files.scanned).toBe(report.files.parsed + report.files.ruledOut + report.files.notRead);
    expect(report.files.scanned).toBe(report.files.changed + report.files.unchanged + report.files.failed);
    expect(result.code).toBe(report.failures.length > 0 ? 1 : 0);
    const written = new Set(report.written);
    // Every file not rewritten is byte-identical; every rewritten one was a case (or package.json).
    const after = snapshot(dir);
    for (const path of changedEntries(before, after)) expect({ path, kind: kinds[path], written: written.has(path) }).toEqual({ path, kind: kinds[path], written: true });
    for (const failure of report.failures) {
      expect({ failure, named: names.has(failure.file) }).toEqual({ failure, named: true });
      expect(written.has(failure.file)).toBe(false);
      if (!failure.message.startsWith('too large')) {
        // Lines as the compiler counts them (a lone CR, U+2028 and U+2029 end a line too), which is at least
        // as many as LF alone gives for the UTF-8 reports.
        const lines = (cases[failure.file]!.toString('utf8').match(/\r\n|[\r\n\u2028\u2029]/g)?.length ?? 0) + 1;
        expect({ failure, line: failure.line! >= 1 && failure.line! <= lines && failure.column! >= 1 }).toEqual({ failure, line: true });
      }
    }
    // Something of each kind happened: files rewritten, files reported.
    expect(report.written.length).toBeGreaterThan(1);
    expect(report.failures.length).toBeGreaterThan(0);
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);
});
