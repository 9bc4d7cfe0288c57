// The release as a publisher and a user see it, from a fresh clone: `npm ci` (whose `prepare` builds), `npm pack`
// and `npm publish --dry-run` of both packages; then both tarballs installed into an empty project, where
// `npx otelify apply` rewrites a plain-JS amqplib producer, declares the runtime's dependencies and prints the
// install command, and the rewritten app, run under the OpenTelemetry SDK, exports its span and injects
// `traceparent`. The runtime is loaded from CommonJS and ESM too. Slow (a full install and three builds): about
// two minutes on a two-core machine with a warm npm cache.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specsOnOneLine } from './support/one-line.js';
import { freshClone } from './support/fresh-clone.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNTIME = '@otelify/runtime';

interface Manifest {
  name: string;
  version: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Packed {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: { path: string }[];
}

// npm run by hand, as a user's shell runs it: none of the npm_* variables of the npm that started vitest
// (`npm_config_*` would be read as configuration by the npm run here, `npm_config_call` by npx), and no
// node_modules/.bin on the PATH: `npx vitest` puts this repository's there, where `otelify` is this working
// tree's own CLI (the root's devDependency "otelify": "file:."), and `npx otelify` would find it when the
// installed tarball has no bin.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
Object.assign(env, {
  NO_COLOR: '1',
  NODE_OPTIONS: '',
  PATH: (process.env['PATH'] ?? '').split(delimiter).filter((dir) => !/node_modules[\\/]\.bin/.test(dir)).join(delimiter),
});

const timings: [step: string, seconds: number][] = [];

/** Runs a command; throws with its output unless it exits 0. */
function run(cwd: string, command: string, args: string[], step: string): { stdout: string; stderr: string } {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  timings.push([step, Math.round(performance.now() - started) / 1000]);
  if (result.status !== 0) {
    const tail = (text: string | null) => (text ?? '').split('\n').slice(-40).join('\n');
    throw new Error(`${step}: \`${command} ${args.join(' ')}\` in ${cwd} exited ${result.status ?? result.signal}\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`, { cause: result.error });
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

const npm = (cwd: string, step: string, ...args: string[]) => run(cwd, 'npm', args, step);
const node = (cwd: string, step: string, ...args: string[]) => run(cwd, process.execPath, args, step);
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
/** The paths in a tarball, as `tar` lists them (`package/...`). */
const entries = (tarball: string) => execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
const extract = (tarball: string, path: string) => execFileSync('tar', ['-xzOf', tarball, path], { encoding: 'utf8' });

const work = mkdtempSync(join(tmpdir(), 'otelify-pack-'));
const clone = join(work, 'clone');
const packs = join(work, 'packs');
const app = join(work, 'app');
let packed: Record<string, Packed>;
let rootManifest: Manifest;
let runtimeManifest: Manifest;
const tarball = (name: string) => join(packs, packed[name]!.filename);

beforeAll(() => {
  const started = performance.now();
  const copied = freshClone(ROOT, clone);
  timings.push(['copy git ls-files -co --exclude-standard', Math.round(performance.now() - started) / 1000]);
  expect(copied).toContain('package.json');
  expect(copied).toContain('packages/runtime/package.json');
  expect(existsSync(join(clone, 'node_modules')) || existsSync(join(clone, 'dist')) || existsSync(join(clone, 'packages/runtime/dist'))).toBe(false);
  rootManifest = readJson(join(clone, 'package.json'));
  runtimeManifest = readJson(join(clone, 'packages/runtime/package.json'));

  // `prepare` builds both packages: the bin exists right after a clean install.
  npm(clone, 'npm ci', 'ci', '--no-audit', '--no-fund', '--prefer-offline');
  expect(existsSync(join(clone, 'dist/cli/bin.js'))).toBe(true);
  expect(existsSync(join(clone, 'packages/runtime/dist/esm/index.js'))).toBe(true);

  mkdirSync(packs);
  const { stdout } = npm(clone, 'npm pack (both)', 'pack', '--workspaces', '--include-workspace-root', '--pack-destination', packs, '--json');
  packed = Object.fromEntries((JSON.parse(stdout) as Packed[]).map((p) => [p.name, p]));
  expect(Object.keys(packed).sort()).toEqual([RUNTIME, 'otelify']);
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  console.log(`pack.test timings (s):\n${timings.map(([step, s]) => `  ${s.toFixed(1).padStart(6)}  ${step}`).join('\n')}`);
}, 120_000);

describe('the release, from a fresh clone', () => {
  it('the otelify tarball holds the built CLI and library, and nothing of the repository besides', () => {
    const files = entries(tarball('otelify'));
    for (const path of ['package/package.json', 'package/README.md', 'package/dist/cli/bin.js', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/runtime/source.js', 'package/dist/engine/typescript.cjs']) {
      expect(files, path).toContain(path);
    }
    // Each export and the bin point into the tarball.
    const manifest = JSON.parse(extract(tarball('otelify'), 'package/package.json')) as Manifest & { exports: Record<string, unknown>; main: string; types: string };
    const targets = (value: unknown): string[] => (typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(targets) : []);
    for (const target of [...targets(manifest.exports), ...targets(manifest.bin), manifest.main, manifest.types]) {
      expect(files, `${target} (package.json)`).toContain(`package/${target.replace(/^\.\//, '')}`);
    }
    expect(manifest.bin).toEqual({ otelify: 'dist/cli/bin.js' });
    expect(extract(tarball('otelify'), 'package/dist/cli/bin.js')).toMatch(/^#!\/usr\/bin\/env node\n/);
    // The CLI depends on the runtime of the same version, published beside it.
    expect(manifest.dependencies?.[RUNTIME]).toContain(runtimeManifest.version);
    expect(files.filter((f) => /^package\/(.*\/)?(test|tests|fixtures|node_modules|bench|examples)\//.test(f) || /^package\/src\//.test(f))).toEqual([]);
  });

  it('the runtime tarball holds ES modules, CommonJS, declarations and the sources `--runtime vendor` reads; @opentelemetry/api is its only (peer) dependency', () => {
    const files = entries(tarball(RUNTIME));
    for (const path of ['package/package.json', 'package/dist/esm/index.js', 'package/dist/esm/index.d.ts', 'package/dist/cjs/index.js', 'package/dist/cjs/index.d.ts', 'package/dist/cjs/package.json', 'package/dist/cjs/adapters/openai.js', 'package/dist/esm/adapters/openai.js', 'package/src/queues.ts', 'package/src/shared.ts', 'package/src/adapters/openai.ts']) {
      expect(files, path).toContain(path);
    }
    const manifest = JSON.parse(extract(tarball(RUNTIME), 'package/package.json')) as Manifest & { exports: Record<string, unknown>; main: string; module: string; types: string; typesVersions: unknown };
    const targets = (value: unknown): string[] => (typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(targets) : []);
    for (const target of [...targets(manifest.exports), ...targets(manifest.typesVersions), manifest.main, manifest.module, manifest.types]) {
      expect(files, `${target} (package.json)`).toContain(`package/${target.replace(/^\.\//, '')}`);
    }
    expect(manifest.peerDependencies?.['@opentelemetry/api']).toBeDefined();
    expect(manifest.dependencies).toBeUndefined();
    expect(JSON.parse(extract(tarball(RUNTIME), 'package/dist/cjs/package.json'))).toEqual({ type: 'commonjs' });
    expect(files.filter((f) => /^package\/(.*\/)?(test|tests|fixtures|node_modules)\//.test(f))).toEqual([]);
  });

  it('`npm publish --dry-run` passes for both packages, without a login, and would upload the tarballs tested here', () => {
    const root = JSON.parse(npm(clone, 'npm publish --dry-run (otelify)', 'publish', '--dry-run', '--json').stdout) as Record<string, Packed>;
    const runtime = JSON.parse(npm(clone, 'npm publish --dry-run (runtime)', 'publish', '--dry-run', '--json', '--workspace', RUNTIME).stdout) as Record<string, Packed>;
    // Both rebuild (prepare, prepack); the builds are deterministic, so the bytes are the same.
    expect(root['otelify']?.integrity, 'npm publish would upload another otelify tarball than the one tested').toBe(packed['otelify']!.integrity);
    expect(runtime[RUNTIME]?.integrity, 'npm publish would upload another runtime tarball than the one tested').toBe(packed[RUNTIME]!.integrity);
  }, 180_000);

  it('installed into an empty project, `npx otelify apply` rewrites a plain-JS producer and declares the runtime; the app then traces', () => {
    mkdirSync(join(app, 'src'), { recursive: true });
    npm(app, 'npm init -y', 'init', '-y');
    const initial = readJson<Record<string, unknown>>(join(app, 'package.json'));
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ ...initial, type: 'module' }, null, 2)}\n`);
    // The registry packages at the versions the clone's lockfile chose, so the npm cache has them. The runtime is
    // not on the registry yet: its tarball goes in beside the CLI's, which depends on it. @opentelemetry/api
    // comes in as the SDK's peer dependency, installed but not declared: otelify apply declares it.
    const version = (name: string) => `${name}@${readJson<Manifest>(join(clone, 'node_modules', name, 'package.json')).version}`;
    const registry = ['amqplib', '@opentelemetry/sdk-trace-base', '@opentelemetry/context-async-hooks', '@opentelemetry/core'].map(version);
    npm(app, 'npm install (tarballs + registry)', 'install', '--no-audit', '--no-fund', '--prefer-offline', tarball('otelify'), tarball(RUNTIME), ...registry);
    expect(existsSync(join(app, 'node_modules/@opentelemetry/api/package.json'))).toBe(true);
    // One runtime: the CLI's dependency is met by the tarball installed beside it.
    expect(existsSync(join(app, 'node_modules/otelify/node_modules'))).toBe(false);
    const before = readJson<Manifest>(join(app, 'package.json'));
    expect(before.dependencies?.[RUNTIME]).toMatch(/^file:/);
    expect(before.dependencies?.['@opentelemetry/api']).toBeUndefined();

    // amqplib is imported but only defined against: no broker. run.js drives it with a fake channel.
    const send = `import amqp from 'amqplib';\n\n/** @param {import('amqplib').Channel} channel */\nexport function publish(channel, id) {\n  return channel.sendToQueue('orders', Buffer.from(id));\n}\n\nexport const connect = (url) => amqp.connect(url);\n`;
    writeFileSync(join(app, 'src/send.js'), send);
    writeFileSync(
      join(app, 'src/run.js'),
      `import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { publish } from './send.js';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

let captured;
const channel = { sendToQueue(queue, body, options) { captured = { queue, body: body.toString(), options }; return true; } };
const returned = publish(channel, 'order-1');
const spans = exporter.getFinishedSpans();
console.log(JSON.stringify({
  returned,
  spans: spans.map((span) => ({ name: span.name, kind: span.kind, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId })),
  queue: captured?.queue,
  body: captured?.body,
  traceparent: captured?.options?.headers?.traceparent ?? null,
}));
`,
    );

    // `npx otelify` runs the bin of the installed tarball.
    expect(existsSync(join(app, 'node_modules/.bin/otelify')), 'node_modules/.bin/otelify').toBe(true);
    expect(realpathSync(join(app, 'node_modules/.bin/otelify'))).toBe(realpathSync(join(app, 'node_modules/otelify/dist/cli/bin.js')));
    const version_ = run(app, 'npx', ['otelify', '--version'], 'npx otelify --version');
    expect(version_.stdout.trim()).toBe(rootManifest.version);

    const apply = run(app, 'npx', ['otelify', 'apply', 'src', '--force'], 'npx otelify apply');
    expect(apply.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
    const rewritten = readFileSync(join(app, 'src/send.js'), 'utf8');
    expect(rewritten).toContain("import * as otelify from '@otelify/runtime';");
    expect(specsOnOneLine(rewritten)).toMatch(/otelify\.traceSend\(\{ system: 'rabbitmq', operation: 'publish', destination: 'orders' \}/);
    expect(readFileSync(join(app, 'src/run.js'), 'utf8')).not.toContain('otelify');
    expect(apply.stdout).toMatch(/dependencies package\.json gained @opentelemetry\/api@\^1\./);
    // The install command of the project's package manager (npm: it has a package-lock.json), never run by otelify.
    expect(apply.stdout).toMatch(/\bnpm install\b/);
    const text = readFileSync(join(app, 'package.json'), 'utf8');
    const after = JSON.parse(text) as Manifest;
    expect(after.dependencies?.['@opentelemetry/api']).toMatch(/^\^1\./);
    // The runtime was declared already (by the install of its tarball): kept as it was, once.
    expect(after.dependencies?.[RUNTIME]).toBe(before.dependencies?.[RUNTIME]);
    expect(text.split(`"${RUNTIME}"`).length - 1).toBe(1);

    // What otelify told the user to run works.
    npm(app, 'npm install (as apply says)', 'install', '--no-audit', '--no-fund', '--prefer-offline');

    const traced = JSON.parse(node(app, 'node src/run.js', 'src/run.js').stdout) as {
      returned: boolean;
      spans: { name: string; kind: number; traceId: string; spanId: string }[];
      queue: string;
      body: string;
      traceparent: string | null;
    };
    expect(traced.returned).toBe(true);
    expect(traced.queue).toBe('orders');
    expect(traced.body).toBe('order-1');
    expect(traced.spans.map((s) => s.name)).toEqual(['publish orders']);
    expect(traced.spans[0]!.kind).toBe(3); // SpanKind.PRODUCER
    // The header carries the producer span's own context.
    expect(traced.traceparent).toBe(`00-${traced.spans[0]!.traceId}-${traced.spans[0]!.spanId}-01`);
  }, 180_000);

  it('the runtime loads from CommonJS and from ESM with the same exports, adapters included; every export of otelify loads', () => {
    expect(existsSync(join(app, 'node_modules', RUNTIME)), 'the previous test installs the tarballs').toBe(true);
    const cjs = node(app, 'require @otelify/runtime', '-e', "require('@otelify/runtime'); require('@otelify/runtime/openai'); console.log(typeof require('@otelify/runtime').traceSend)");
    expect(cjs.stdout.trim()).toBe('function');
    expect(cjs.stderr).toBe('');

    const keys = "console.log(JSON.stringify(Object.keys(m).filter((k) => k !== '__esModule' && k !== 'default').sort()))";
    const required = JSON.parse(node(app, 'require keys', '-e', `const m = require('@otelify/runtime'); ${keys}`).stdout) as string[];
    const imported = JSON.parse(node(app, 'import keys', '--input-type=module', '-e', `const m = await import('@otelify/runtime'); await import('@otelify/runtime/openai'); ${keys}`).stdout) as string[];
    expect(required).toContain('traceSend');
    expect(imported).toEqual(required);

    // Every adapter entry, both ways.
    const adapters = Object.keys(readJson<{ exports: Record<string, unknown> }>(join(app, 'node_modules', RUNTIME, 'package.json')).exports).filter((k) => k !== '.' && k !== './package.json');
    expect(adapters).toContain('./openai');
    const specifiers = JSON.stringify(adapters.map((k) => `${RUNTIME}/${k.slice(2)}`));
    node(app, 'require adapters', '-e', `for (const s of ${specifiers}) require(s)`);
    node(app, 'import adapters', '--input-type=module', '-e', `for (const s of ${specifiers}) await import(s)`);

    // The CLI package's JavaScript exports (its jscodeshift transforms are TypeScript, for jscodeshift to compile).
    const exported = Object.entries(readJson<{ exports: Record<string, unknown> }>(join(app, 'node_modules/otelify/package.json')).exports)
      .filter(([, target]) => typeof target !== 'string' || target.endsWith('.js'))
      .map(([key]) => (key === '.' ? 'otelify' : `otelify/${key.slice(2)}`));
    expect(exported).toContain('otelify/eslint');
    const loaded = node(app, 'import otelify exports', '--input-type=module', '-e', `const p = (await import('otelify/eslint')).default; const r = await import('otelify/runtime'); for (const s of ${JSON.stringify(exported)}) await import(s); console.log(Object.keys(p.rules).join(','), typeof r.traceSend)`);
    expect(loaded.stdout.trim()).toBe('no-pii-attributes,no-error-message-attributes,baggage-size function');
  }, 60_000);
});
