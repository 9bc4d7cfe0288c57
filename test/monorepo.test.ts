// `otelify apply` on an npm-workspaces monorepo (test/support/monorepo.ts): each package keeps type-checking
// under TypeScript 6 and 7 with its own strict settings and keeps its emit layout, each owning package.json
// gains what its rewritten code imports in the file's own format, the package with no call site is left
// alone, and a second run changes nothing; once with the runtime package, once with a vendored runtime.
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specsOnOneLine } from './support/one-line.js';
import { API_RANGE, runtimeRange } from '../src/runtime/package.js';
import {
  ASSISTANT_PACKAGE_JSON,
  build,
  copyMonorepo,
  createMonorepo,
  listFiles,
  ORDERS_PACKAGE_JSON,
  otelify,
  PACKAGES,
  read,
  snapshot,
  type Build,
  type PackageName,
  type TscVersion,
} from './support/monorepo.js';

const VERSIONS: TscVersion[] = [6, 7];
// TypeScript 7 checks the libraries too (the tsconfigs say `skipLibCheck: false`): it takes 1-2.5 s a package.
// TypeScript 6 takes 7-13 s a package for that on 2 cores, so it checks the packages' own files and the
// vendored runtime (a source file) only; both say whether the rewrite compiles.
const FLAGS: Record<TscVersion, string[]> = { 6: ['--skipLibCheck'], 7: [] };
const SLOW = 120_000;

/** What `tsc -p` emits into each package's dist/, as written: `rootDir: src` keeps `src/` out of it. */
const LAYOUT: Record<PackageName, string[]> = {
  orders: ['consumer', 'index', 'publisher', 'types'].flatMap((f) => [`dist/${f}.d.ts`, `dist/${f}.js`]),
  assistant: ['dist/features/answer.js', 'dist/features/notify.js', 'dist/index.js', 'dist/lib/client.js'],
  util: ['dist/index.d.ts', 'dist/index.js', 'dist/slug.d.ts', 'dist/slug.js'],
};

const ANSWER = 'packages/assistant/src/features/answer.ts';
const QUEUE_FILES = ['packages/orders/src/consumer.ts', 'packages/orders/src/publisher.ts', 'packages/assistant/src/features/notify.ts'];
const PACKAGE_JSONS = ['packages/assistant/package.json', 'packages/orders/package.json'];

type Builds = Record<string, Record<TscVersion, Build>>;

/** Each package built with TypeScript 6, then 7, one process at a time. */
function buildAll(dir: string, names: readonly PackageName[]): Builds {
  const builds: Builds = {};
  for (const name of names) builds[name] = { 6: build(dir, name, 6, FLAGS[6]), 7: build(dir, name, 7, FLAGS[7]) };
  return builds;
}

/** Files whose bytes differ between two snapshots, or that only one has. */
function changedFiles(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((file) => before[file] !== after[file]).sort();
}

const runtimeFiles = (dir: string) => listFiles(dir).filter((file) => basename(file).startsWith('otelify.runtime.'));
const utilFiles = (snap: Record<string, string>) => Object.fromEntries(Object.entries(snap).filter(([file]) => file.startsWith('packages/util/')));

let pristine: string;
let baseline: Builds;
let pristineFiles: Record<string, string>;
const dirs: string[] = [];

beforeAll(() => {
  pristine = createMonorepo();
  dirs.push(pristine);
  pristineFiles = snapshot(pristine);
  baseline = buildAll(pristine, PACKAGES);
}, SLOW);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('an npm-workspaces monorepo', () => {
  it('type-checks before apply under TypeScript 6 and 7, each package emitting its src/ layout into dist/', () => {
    for (const name of PACKAGES) {
      for (const version of VERSIONS) {
        const { code, output, emitted } = baseline[name]![version];
        expect({ name, version, code, output }).toEqual({ name, version, code: 0, output: '' });
        expect(emitted, `${name}, TypeScript ${version}`).toEqual(LAYOUT[name]);
      }
    }
    // Building leaves nothing behind.
    expect(snapshot(pristine)).toEqual(pristineFiles);
  });
});

describe('otelify apply packages (the runtime package)', () => {
  let dir: string;
  let run: ReturnType<typeof otelify>;
  let applied: Record<string, string>;

  beforeAll(() => {
    dir = copyMonorepo(pristine);
    dirs.push(dir);
    run = otelify(dir, 'apply', 'packages', '--force');
    applied = snapshot(dir);
  }, SLOW);

  it('rewrites the queue call sites to import @otelify/runtime, touches nothing in util and vendors nothing', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // answer.ts is left to its own test below.
    expect(changedFiles(pristineFiles, applied).filter((file) => file !== ANSWER)).toEqual([...PACKAGE_JSONS, ...QUEUE_FILES].sort());
    for (const file of QUEUE_FILES) {
      expect(read(dir, file)).toContain("import * as otelify from '@otelify/runtime';\n");
      // Queue call sites need no LLM adapter.
      expect(read(dir, file)).not.toContain("'@otelify/runtime/");
    }
    const publisher = specsOnOneLine(read(dir, 'packages/orders/src/publisher.ts'));
    expect(publisher).toContain("otelify.traceSend({ system: 'rabbitmq', operation: 'publish', destination: 'orders' }");
    expect(publisher).toContain("otelify.inject({ persistent: true }, 'headers')");
    // The exchange is a module constant and the routing key a literal: both name the destination.
    expect(publisher).toContain("otelify.traceSend({ system: 'rabbitmq', operation: 'publish', destination: `${EXCHANGE}:order.created` }");
    expect(publisher).toContain("otelify.inject({ contentType: 'application/json' }, 'headers')");
    expect(specsOnOneLine(read(dir, 'packages/orders/src/consumer.ts'))).toContain("otelify.traceProcess({ system: 'rabbitmq', destination: 'orders'");
    expect(specsOnOneLine(read(dir, 'packages/assistant/src/features/notify.ts'))).toContain("otelify.traceSend({ system: 'rabbitmq', operation: 'publish', destination: 'answers' }");
    expect(utilFiles(applied)).toEqual(utilFiles(pristineFiles));
    expect(runtimeFiles(dir)).toEqual([]);
    expect(run.stdout).toMatch(/\bNow run npm install\b/);
  });

  it("adds @otelify/runtime and @opentelemetry/api to each owning package.json, in that file's own format", () => {
    const orders = read(dir, 'packages/orders/package.json');
    const parsed = JSON.parse(orders);
    expect(parsed.dependencies).toEqual({ '@opentelemetry/api': API_RANGE, '@otelify/runtime': runtimeRange(), amqplib: '^0.10.8' });
    // 4-space indentation, keys in their order, no final newline: the two new lines are the only change.
    expect(orders).toBe(JSON.stringify(parsed, null, 4));
    expect(orders.replace(/\n {8}"@opentelemetry\/api": "[^"\n]+",\n {8}"@otelify\/runtime": "[^"\n]+",(?=\n {8}"amqplib")/, '')).toBe(ORDERS_PACKAGE_JSON);

    const assistant = read(dir, 'packages/assistant/package.json');
    const manifest = JSON.parse(assistant);
    expect(manifest.dependencies).toEqual({ '@opentelemetry/api': API_RANGE, '@otelify/runtime': runtimeRange() });
    // A new `dependencies` object goes where npm puts it: right before devDependencies.
    expect(Object.keys(manifest)).toEqual(['name', 'version', 'private', 'type', 'scripts', 'dependencies', 'devDependencies']);
    expect(assistant).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
    expect(manifest.devDependencies).toEqual(JSON.parse(ASSISTANT_PACKAGE_JSON).devDependencies);

    expect(run.stdout).toContain(`dependencies packages/orders/package.json gained @otelify/runtime@${runtimeRange()}, @opentelemetry/api@${API_RANGE}`);
    expect(run.stdout).toContain(`dependencies packages/assistant/package.json gained @otelify/runtime@${runtimeRange()}, @opentelemetry/api@${API_RANGE}`);
  });

  it('leaves every package type-checking under TypeScript 6 and 7 with the same emit layout', { timeout: SLOW }, () => {
    const builds = buildAll(dir, PACKAGES);
    for (const name of PACKAGES) {
      for (const version of VERSIONS) {
        const { code, output, emitted } = builds[name]![version];
        expect({ name, version, code, output }).toEqual({ name, version, code: 0, output: '' });
        expect(emitted, `${name}, TypeScript ${version}`).toEqual(baseline[name]![version].emitted);
      }
    }
  });

  it('changes nothing when run again', { timeout: SLOW }, () => {
    const before = snapshot(dir);
    const second = otelify(dir, 'apply', 'packages', '--force', '--json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.files.changed).toBe(0);
    expect(report.written).toEqual([]);
    expect(report.dependencies).toEqual([]);
    expect(report.install).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('instruments the OpenAI call answer.ts makes through the shared client it imports as @/lib/client', () => {
    expect(run.stdout).toMatch(/openai +1 instrumented/);
    const answer = read(dir, ANSWER);
    expect(answer).toContain("import { client } from '@/lib/client';\nimport * as otelify from '@otelify/runtime';\nimport '@otelify/runtime/openai';\n");
    expect(specsOnOneLine(answer)).toContain("otelify.traceLLM({ provider: 'openai', operation: 'chat', api: 'openai.chat' }, () => client.chat.completions.create(");
  });
});

describe('otelify apply packages --runtime vendor', () => {
  let dir: string;
  let run: ReturnType<typeof otelify>;
  let applied: Record<string, string>;
  const ORDERS_RUNTIME = 'packages/orders/src/otelify.runtime.ts';
  const ASSISTANT_RUNTIME = 'packages/assistant/src/otelify.runtime.ts';

  beforeAll(() => {
    dir = copyMonorepo(pristine);
    dirs.push(dir);
    run = otelify(dir, 'apply', 'packages', '--runtime', 'vendor', '--force');
    applied = snapshot(dir);
  }, SLOW);

  it("writes one runtime per package into its rootDir, imported through the package's alias or relatively", () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // One per package, in `rootDir` (src/): none at packages/ or the root, none for util.
    expect(runtimeFiles(dir)).toEqual([ASSISTANT_RUNTIME, ORDERS_RUNTIME]);
    expect(changedFiles(pristineFiles, applied).filter((file) => file !== ANSWER)).toEqual([...PACKAGE_JSONS, ASSISTANT_RUNTIME, ...QUEUE_FILES, ORDERS_RUNTIME].sort());
    // nodenext ESM: a relative import with the `.js` the emitted code needs.
    expect(read(dir, 'packages/orders/src/publisher.ts')).toContain("import * as otelify from './otelify.runtime.js';\n");
    expect(read(dir, 'packages/orders/src/consumer.ts')).toContain("import * as otelify from './otelify.runtime.js';\n");
    expect(read(dir, 'packages/orders/src/publisher.ts')).toContain("destination: `${EXCHANGE}:order.created`");
    // `@/*` maps src/: the alias, as the package's own imports are written.
    expect(specsOnOneLine(read(dir, 'packages/assistant/src/features/notify.ts'))).toContain("import * as otelify from '@/otelify.runtime';\n");
    for (const file of listFiles(dir)) expect(read(dir, file), file).not.toMatch(/(from|import|require\() ?'@otelify\/runtime/);

    const ordersRuntime = read(dir, ORDERS_RUNTIME);
    expect(ordersRuntime).toContain('export function traceSend');
    expect(ordersRuntime).toContain('export function traceProcess');
    // Queue call sites only: no LLM code.
    expect(ordersRuntime).not.toContain('traceLLM');
    expect(ordersRuntime).not.toContain("adapters['openai.chat']");
    expect(read(dir, ASSISTANT_RUNTIME)).toContain('export function traceSend');
    expect(utilFiles(applied)).toEqual(utilFiles(pristineFiles));
    expect(run.stdout).toMatch(/\bNow run npm install\b/);
  });

  it('adds only @opentelemetry/api to dependencies', () => {
    const orders = read(dir, 'packages/orders/package.json');
    const parsed = JSON.parse(orders);
    expect(parsed.dependencies).toEqual({ '@opentelemetry/api': API_RANGE, amqplib: '^0.10.8' });
    expect(orders).toBe(JSON.stringify(parsed, null, 4));
    const assistant = read(dir, 'packages/assistant/package.json');
    const manifest = JSON.parse(assistant);
    expect(manifest.dependencies).toEqual({ '@opentelemetry/api': API_RANGE });
    expect(Object.keys(manifest)).toEqual(['name', 'version', 'private', 'type', 'scripts', 'dependencies', 'devDependencies']);
    expect(assistant).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
  });

  it("type-checks under TypeScript 6 and 7 with each package's strict settings, emitting the same layout plus the runtime", { timeout: SLOW }, () => {
    const builds = buildAll(dir, ['orders', 'assistant']);
    const runtime: Record<string, string[]> = { orders: ['dist/otelify.runtime.d.ts', 'dist/otelify.runtime.js'], assistant: ['dist/otelify.runtime.js'] };
    for (const name of ['orders', 'assistant'] as const) {
      for (const version of VERSIONS) {
        const { code, output, emitted } = builds[name]![version];
        expect({ name, version, code, output }).toEqual({ name, version, code: 0, output: '' });
        expect(emitted, `${name}, TypeScript ${version}`).toEqual([...baseline[name]![version].emitted, ...runtime[name]!].sort());
      }
    }
  });

  it('changes nothing when run again', { timeout: SLOW }, () => {
    const before = snapshot(dir);
    const second = otelify(dir, 'apply', 'packages', '--runtime', 'vendor', '--force', '--json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.files.changed).toBe(0);
    expect(report.written).toEqual([]);
    expect(report.dependencies).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it("instruments the OpenAI call answer.ts makes through @/lib/client, and vendors the LLM part and OpenAI adapter into assistant's runtime", () => {
    expect(run.stdout).toMatch(/openai +1 instrumented/);
    const answer = read(dir, ANSWER);
    expect(answer).toContain("import { client } from '@/lib/client';\nimport * as otelify from '@/otelify.runtime';\n");
    expect(specsOnOneLine(answer)).toContain("otelify.traceLLM({ provider: 'openai', operation: 'chat', api: 'openai.chat' }, () => client.chat.completions.create(");
    const runtime = read(dir, ASSISTANT_RUNTIME);
    expect(runtime).toContain('export function traceLLM');
    expect(runtime).toContain("adapters['openai.chat']");
  });
});
