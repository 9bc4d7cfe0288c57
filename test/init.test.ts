import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeCommandOf } from '../src/production/start-script.js';
import { SDK_RANGES } from '../src/production/sdk-packages.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { nodeBinary } from './support/node-binaries.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/bin.js');
const PROJECTS = join(ROOT, 'test/support/init/projects');
const GOLDEN = join(ROOT, 'test/support/init/golden');
const TSC6 = join(ROOT, 'node_modules/typescript/bin/tsc');
const TSC7 = join(ROOT, 'node_modules/typescript7/bin/tsc');
const NODES = { 20: process.execPath, 22: nodeBinary(22), 24: nodeBinary(24) };
const VARIANTS = ['ts-esm', 'ts-cjs', 'js-esm', 'js-cjs', 'next'] as const;
type Variant = (typeof VARIANTS)[number];

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A copy of a fixture project in os.tmpdir(), resolving packages from this repository's node_modules. */
function copy(variant: Variant, options: { git?: boolean; files?: Record<string, string> } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `otelify-init-${variant}-`));
  dirs.push(dir);
  cpSync(join(PROJECTS, variant), dir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  if (options.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    writeFileSync(join(dir, '.gitignore'), 'node_modules\ndist\n');
    git('add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
  }
  return dir;
}

function otelify(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file of the project (node_modules aside) and its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      if (name === 'node_modules' || name === '.git') continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** The files init wrote or changed, by comparing the tree with the fixture. */
function changes(variant: Variant, dir: string): Record<string, string> {
  const before = snapshot(join(PROJECTS, variant));
  return Object.fromEntries(Object.entries(snapshot(dir)).filter(([file, text]) => before[file] !== text));
}

function tsc(compiler: string, dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [compiler, '-p', dir, ...args], { encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const startScript = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;

describe('otelify init: generated files (golden)', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: writes the bootstrap, wires it in and declares the SDK packages`, () => {
      const dir = copy(variant);
      const run = otelify(dir, 'init');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const written = { ...changes(variant, dir), 'stdout.txt': run.stdout };
      const golden = join(GOLDEN, variant);
      if (process.env.UPDATE_GOLDEN) {
        rmSync(golden, { recursive: true, force: true });
        for (const [file, text] of Object.entries(written)) {
          mkdirSync(dirname(join(golden, file)), { recursive: true });
          writeFileSync(join(golden, file), text);
        }
      }
      expect(Object.keys(written).sort()).toEqual(Object.keys(snapshot(golden)).sort());
      for (const [file, text] of Object.entries(written)) expect(text, file).toBe(readFileSync(join(golden, file), 'utf8'));
    });
  }

  it('the declared ranges are those of the SDK packages the tests type-check and run against', () => {
    for (const [name, range] of Object.entries(SDK_RANGES)) {
      const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      const [major, minor] = version.split('.');
      const base = range.replace(/^[\^~]/, '');
      // ^0.x and ~x.y both hold a minor line: the installed version must be on it, at or above the range's floor.
      expect(`${major}.${minor}`, name).toBe(base.split('.').slice(0, 2).join('.'));
      expect(Number(version.split('.')[2]), name).toBeGreaterThanOrEqual(Number(base.split('.')[2]));
    }
    const sdkNode = JSON.parse(readFileSync(join(ROOT, 'node_modules/@opentelemetry/sdk-node/package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
    expect(sdkNode.peerDependencies['@opentelemetry/api']).toBe('>=1.3.0 <1.10.0');
  });
});

describe('otelify init: the generated TypeScript type-checks under strict', () => {
  const cases: { variant: Variant; args: string[] }[] = [
    { variant: 'ts-esm', args: [] },
    { variant: 'ts-esm', args: ['--sampling', 'head', '--ratio', '0.25', '--baggage-keys', 'tenant.id,plan'] },
    { variant: 'ts-cjs', args: [] },
    { variant: 'next', args: [] },
  ];
  for (const { variant, args } of cases) {
    it(`${variant} ${args.join(' ')}: TypeScript 6 and TypeScript 7`, () => {
      const dir = copy(variant);
      expect(otelify(dir, 'init', ...args).code).toBe(0);
      for (const compiler of [TSC6, TSC7]) {
        const result = tsc(compiler, dir, '--noEmit');
        expect(result.output, `${compiler}\n${result.output}`).toBe('');
        expect(result.code).toBe(0);
      }
    });
  }
});

describe('otelify init: the bootstrap runs under real Node against an OTLP/HTTP receiver', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());
  afterEach(() => {
    receiver.spans.length = 0;
    receiver.requests.length = 0;
  });

  /** Runs the project's start script as npm would (a shell in the package folder), to its end or its signal. */
  function start(dir: string, options: { node?: keyof typeof NODES; env?: Record<string, string>; signal?: NodeJS.Signals } = {}) {
    const node = NODES[options.node ?? 20];
    const script = startScript(dir);
    // `exec` so the signal reaches node itself, as it does under a process manager.
    const child = spawn('sh', ['-c', options.signal ? `exec ${script}` : script], {
      cwd: dir,
      env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}`, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.signal && stdout.includes('ready')) child.kill(options.signal);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
    );
  }

  function build(dir: string): void {
    const result = tsc(TSC6, dir);
    expect(result.output).toBe('');
  }

  // One project per variant after a plain `init` (and its build), shared by the tests that run it as it is.
  const prepared = new Map<Variant, string>();
  afterAll(() => {
    for (const dir of prepared.values()) rmSync(dir, { recursive: true, force: true });
  });
  function initialised(variant: Variant): string {
    let dir = prepared.get(variant);
    if (dir === undefined) {
      dir = copy(variant);
      dirs.pop();
      expect(otelify(dir, 'init').code).toBe(0);
      if (variant.startsWith('ts')) build(dir);
      prepared.set(variant, dir);
    }
    return dir;
  }

  function expectCheckout(spans: ReceivedSpan[], serviceName: string): void {
    const checkout = spans.find((s) => s.name === 'checkout');
    const charge = spans.find((s) => s.name === 'charge card');
    expect(checkout, JSON.stringify(spans)).toBeDefined();
    expect(charge).toBeDefined();
    expect(checkout!.resource['service.name']).toBe(serviceName);
    // Copied from baggage onto both spans; the key outside the allowlist is not.
    expect(checkout!.attributes['tenant.id']).toBe('acme');
    expect(charge!.attributes['tenant.id']).toBe('acme');
    expect(Object.keys(checkout!.attributes)).not.toContain('user.email');
    // The child span started after an await still has the checkout span as its parent: the context manager works.
    expect(charge!.parentSpanId).toBe(checkout!.spanId);
    expect(charge!.traceId).toBe(checkout!.traceId);
  }

  const SERVICE: Record<Exclude<Variant, 'next'>, string> = { 'ts-esm': 'shop-api', 'ts-cjs': 'billing-worker', 'js-esm': '@acme/orders', 'js-cjs': 'mailer' };
  for (const variant of ['ts-esm', 'ts-cjs', 'js-esm', 'js-cjs'] as const) {
    it(`${variant}: spans arrive with service.name and the allowed baggage key, flushed when the process ends`, async () => {
      const dir = initialised(variant);
      const run = await start(dir);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expectCheckout(receiver.spans, SERVICE[variant]);
      expect(receiver.requests.every((r) => r.path === '/v1/traces')).toBe(true);
    });
  }

  for (const node of [22, 24] as const) {
    it(`js-esm and ts-cjs under Node ${node}`, async () => {
      for (const variant of ['js-esm', 'ts-cjs'] as const) {
        const dir = initialised(variant);
        const run = await start(dir, { node });
        expect(run.stderr).toBe('');
        expectCheckout(receiver.spans, SERVICE[variant]);
        receiver.spans.length = 0;
      }
    });
  }

  it('OTEL_SERVICE_NAME replaces the name from package.json', async () => {
    await start(initialised('js-cjs'), { env: { OTEL_SERVICE_NAME: 'receipts' } });
    expectCheckout(receiver.spans, 'receipts');
  });

  it('--baggage-keys copies exactly the keys given', async () => {
    const dir = copy('js-esm');
    expect(otelify(dir, 'init', '--baggage-keys', 'checkout.variant').code).toBe(0);
    await start(dir);
    const checkout = receiver.spans.find((s) => s.name === 'checkout');
    expect(checkout?.attributes['checkout.variant']).toBe('one-page');
    expect(checkout?.attributes['tenant.id']).toBeUndefined();
  });

  it('head sampling: ratio 0 drops every span, ratio 1 keeps them', async () => {
    const dropped = copy('js-esm');
    expect(otelify(dropped, 'init', '--sampling', 'head', '--ratio', '0').code).toBe(0);
    const run = await start(dropped);
    expect(run.code).toBe(0);
    expect(receiver.spans).toEqual([]);

    const kept = copy('js-esm');
    expect(otelify(kept, 'init', '--sampling', 'head', '--ratio', '1').code).toBe(0);
    await start(kept);
    expectCheckout(receiver.spans, '@acme/orders');
  });

  it('a TypeScript entry that node runs itself (type stripping, Node 24) preloads the .ts bootstrap', async () => {
    const dir = copy('ts-esm');
    const manifest = readFileSync(join(dir, 'package.json'), 'utf8').replace('"node dist/index.js"', '"node src/index.ts"');
    writeFileSync(join(dir, 'package.json'), manifest);
    expect(otelify(dir, 'init').code).toBe(0);
    expect(startScript(dir)).toBe('node --import ./src/instrumentation.ts src/index.ts');
    const run = await start(dir, { node: 24 });
    expect(run.code, run.stderr).toBe(0);
    expectCheckout(receiver.spans, 'shop-api');
  });

  it('verbatimModuleSyntax with CommonJS output: the bootstrap is a .cjs file node loads from its source', async () => {
    const dir = copy('ts-cjs');
    const config = readFileSync(join(dir, 'tsconfig.json'), 'utf8').replace('"strict": true,', '"strict": true,\n    "verbatimModuleSyntax": true,');
    writeFileSync(join(dir, 'tsconfig.json'), config);
    // Such a project writes its own imports as `import x = require()`.
    const main = readFileSync(join(dir, 'src/main.ts'), 'utf8')
      .replace("import { context, propagation, trace } from '@opentelemetry/api';", "import api = require('@opentelemetry/api');\nconst { context, propagation, trace } = api;")
      .replace("import { setTimeout as sleep } from 'node:timers/promises';", "import timers = require('node:timers/promises');\nconst sleep = timers.setTimeout;");
    writeFileSync(join(dir, 'src/main.ts'), main);
    const run = otelify(dir, 'init');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('note tsconfig sets verbatimModuleSyntax with CommonJS output: the bootstrap is JavaScript (src/instrumentation.cjs)');
    expect(startScript(dir)).toBe('NODE_ENV=production node --enable-source-maps --require ./src/instrumentation.cjs dist/main.js');
    build(dir);
    await start(dir);
    expectCheckout(receiver.spans, 'billing-worker');
  });

  for (const [variant, signal] of [['ts-esm', 'SIGTERM'], ['js-cjs', 'SIGTERM'], ['js-esm', 'SIGINT']] as const) {
    it(`${variant}: ${signal} flushes the batched spans, then the process ends by the signal`, async () => {
      const run = await start(initialised(variant), { signal, env: { WAIT_FOR_SIGNAL: '1' } });
      expect(run.stdout).toContain('ready');
      expect(run.signal).toBe(signal);
      expectCheckout(receiver.spans, SERVICE[variant]);
    });
  }
});

describe('otelify init: run twice, or over another set-up', () => {
  it('a second run finds its own bootstrap, changes nothing and says so', () => {
    const dir = copy('ts-esm');
    expect(otelify(dir, 'init').code).toBe(0);
    const after = snapshot(dir);
    const again = otelify(dir, 'init');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^otelify init: already done here \(src\/instrumentation\.ts:\d+\); nothing written\n$/);
    expect(snapshot(dir)).toEqual(after);
  });

  const SETUPS: { name: string; file: string; text: string; line: number; by: string }[] = [
    {
      name: 'NodeSDK',
      file: 'src/tracing.js',
      text: `import { NodeSDK } from '@opentelemetry/sdk-node';\n\n// the SDK\nconst sdk = new NodeSDK({});\nsdk.start();\n`,
      line: 4,
      by: "OpenTelemetry's NodeSDK",
    },
    {
      name: 'registerInstrumentations',
      file: 'src/otel.js',
      text: `import { registerInstrumentations } from '@opentelemetry/instrumentation';\nregisterInstrumentations({ instrumentations: [] });\n`,
      line: 2,
      by: "OpenTelemetry's registerInstrumentations",
    },
    {
      name: 'NodeTracerProvider#register',
      file: 'src/provider.js',
      text: `import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';\n\nconst provider = new NodeTracerProvider();\nprovider.register();\n`,
      line: 3,
      by: 'a NodeTracerProvider registered globally',
    },
    {
      name: '@vercel/otel registerOTel',
      file: 'src/instrumentation.js',
      text: `import { registerOTel } from '@vercel/otel';\n\nexport function register() {\n  registerOTel({ serviceName: 'orders' });\n}\n`,
      line: 4,
      by: "Vercel's registerOTel (@vercel/otel)",
    },
    {
      name: 'Sentry init',
      file: 'src/sentry.js',
      text: `import * as Sentry from '@sentry/node';\n\nSentry.init({ dsn: process.env.SENTRY_DSN });\n`,
      line: 3,
      by: "Sentry's Node SDK (Sentry.init)",
    },
    {
      name: "require('dd-trace').init()",
      file: 'src/dd.cjs',
      text: `'use strict';\nrequire('dd-trace').init({ service: 'orders' });\n`,
      line: 2,
      by: 'Datadog (dd-trace)',
    },
    {
      name: "import 'dd-trace/init'",
      file: 'src/boot.js',
      text: `// tracing first\nimport 'dd-trace/init';\nimport './server.js';\n`,
      line: 2,
      by: 'Datadog (dd-trace)',
    },
  ];
  for (const setup of SETUPS) {
    it(`refuses next to ${setup.name}, naming its file and line, and writes nothing`, () => {
      const dir = copy('js-esm', { files: { [setup.file]: setup.text } });
      const before = snapshot(dir);
      const run = otelify(dir, 'init');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`  ${setup.file}:${setup.line}  ${setup.by}\n`);
      expect(run.stderr).toContain('Nothing was written.');
      expect(snapshot(dir)).toEqual(before);
    });
  }

  it('refuses when the start script preloads a tracer, naming package.json and the line', () => {
    const dir = copy('js-cjs');
    const manifest = readFileSync(join(dir, 'package.json'), 'utf8').replace('"node index.js"', '"node -r dd-trace/init index.js"');
    writeFileSync(join(dir, 'package.json'), manifest);
    const run = otelify(dir, 'init');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('  package.json:6  a tracer preloaded by the command line\n');
  });

  it('a set-up in a test file, or commented out, is no reason to refuse', () => {
    const dir = copy('js-esm', {
      files: {
        'test/setup.js': `import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';\nnew NodeTracerProvider().register();\n`,
        'src/old.js': `// const sdk = new NodeSDK({});\n/* Sentry.init({}) from '@sentry/node' */\nexport {};\n`,
      },
    });
    const run = otelify(dir, 'init');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('never overwrites a file it would write', () => {
    const dir = copy('js-cjs', { files: { 'instrumentation.cjs': `module.exports = 'mine';\n` } });
    const before = snapshot(dir);
    const run = otelify(dir, 'init');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('instrumentation.cjs exists: otelify init does not overwrite files. Nothing was written');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('otelify init: options and safety', () => {
  it('--dry prints every file it would write and changes nothing', () => {
    const dir = copy('ts-cjs', { git: true });
    const before = snapshot(dir);
    const run = otelify(dir, 'init', '--dry');
    expect(run.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(run.stdout).toContain('--- /dev/null\n+++ b/src/instrumentation.ts');
    expect(run.stdout).toContain('+    new BatchSpanProcessor(new OTLPTraceExporter()),');
    expect(run.stdout).toContain('-\t\t"start": "NODE_ENV=production node --enable-source-maps dist/main.js",\n+\t\t"start": "NODE_ENV=production node --enable-source-maps --require ./dist/instrumentation.js dist/main.js",');
    expect(run.stdout).toContain('otelify init (dry run: nothing written): billing-worker (TypeScript, CommonJS)');
    expect(run.stdout).toContain('  would write src/instrumentation.ts: ');
    expect(run.stdout).toContain('After init, run npm install, then npm run build, then npm start.');
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(join(dir, '.git/otelify.lock'))).toBe(false);
  });

  it('refuses to write over uncommitted changes unless --force', () => {
    const dir = copy('js-esm', { git: true });
    writeFileSync(join(dir, 'src/server.js'), `${readFileSync(join(dir, 'src/server.js'), 'utf8')}// wip\n`);
    const refused = otelify(dir, 'init');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the git work tree has uncommitted changes');
    expect(existsSync(join(dir, 'src/instrumentation.mjs'))).toBe(false);
    const forced = otelify(dir, 'init', '--force');
    expect(forced.code).toBe(0);
    expect(existsSync(join(dir, 'src/instrumentation.mjs'))).toBe(true);
  });

  it('rejects a head sampling without a ratio, a ratio out of range or with tail, a key that is no baggage key, and a key that names personal data', () => {
    const dir = copy('js-esm');
    const before = snapshot(dir);
    expect(otelify(dir, 'init', '--sampling', 'head').stderr).toContain('--sampling head needs --ratio');
    expect(otelify(dir, 'init', '--sampling', 'head', '--ratio', '1.5').stderr).toContain('--ratio is a number from 0 to 1, not 1.5');
    expect(otelify(dir, 'init', '--ratio', '0.5').stderr).toContain('--ratio applies to --sampling head only');
    expect(otelify(dir, 'init', '--baggage-keys', 'tenant id').stderr).toContain('tenant id is not a baggage key');
    expect(otelify(dir, 'init', '--baggage-keys', 'tenant.id,user.email').stderr).toContain(
      '--baggage-keys: every span would carry personal data: user.email names an email address (record an opaque user id (user.id) or a hash (user.hash), or the domain only)',
    );
    expect(otelify(dir, 'init', '--sampling', 'always').code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a start script it cannot change safely is left alone, and the summary says exactly what to add', () => {
    const dir = copy('js-esm');
    const manifest = readFileSync(join(dir, 'package.json'), 'utf8').replace('"node --no-warnings src/server.js"', '"nodemon src/server.js"');
    writeFileSync(join(dir, 'package.json'), manifest);
    const run = otelify(dir, 'init');
    expect(run.code).toBe(0);
    expect(startScript(dir)).toBe('nodemon src/server.js');
    expect(run.stdout).toContain('to do the start script `nodemon src/server.js` is not changed: it does not run node directly; add --import ./src/instrumentation.mjs');
  });

  it('Next.js with an instrumentation file of its own: that file is left as it is and the summary gives the lines to add', () => {
    const own = `export function register() {\n  console.log('starting');\n}\n`;
    const dir = copy('next', { files: { 'src/instrumentation.ts': own } });
    const run = otelify(dir, 'init');
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'src/instrumentation.ts'), 'utf8')).toBe(own);
    expect(existsSync(join(dir, 'src/instrumentation-node.ts'))).toBe(true);
    expect(run.stdout).toContain("src/instrumentation.ts exists and is left as it is; add to its register():\n      if (process.env.NEXT_RUNTIME === 'nodejs') await import('./instrumentation-node');");
  });

  it('a tsconfig without rootDir: the compiled entry is found under either TypeScript 5 or 6 layout', () => {
    const dir = copy('ts-cjs');
    const config = readFileSync(join(dir, 'tsconfig.json'), 'utf8').replace('    "rootDir": "src",\n', '');
    writeFileSync(join(dir, 'tsconfig.json'), config);
    const run = otelify(dir, 'init');
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'src/instrumentation.ts'))).toBe(true);
    expect(startScript(dir)).toBe('NODE_ENV=production node --enable-source-maps --require ./dist/instrumentation.js dist/main.js');
  });
});

describe('start script: the node command line', () => {
  it.each([
    ['node dist/index.js', 'dist/index.js', []],
    ['NODE_ENV=production node --enable-source-maps dist/main.js', 'dist/main.js', []],
    ['npm run build && node -r ./env.cjs --import=./hooks.mjs server.mjs --port 3000', 'server.mjs', ['./env.cjs', './hooks.mjs']],
    ['exec node -- app.js', 'app.js', []],
  ])('%s runs %s', (script, file, preloads) => {
    expect(nodeCommandOf(script)).toEqual({ file, fileOffset: script.lastIndexOf(file), preloads });
  });

  it.each([
    ['nodemon src/server.js', 'it does not run node directly'],
    ['node a.js && node b.js', 'it runs node more than once'],
    ['node -e "require(1)"', 'it has quotes, escapes, substitutions or redirections'],
    ['node --test', 'node runs --test, not a script file'],
    ['node $ENTRY', 'it has quotes, escapes, substitutions or redirections'],
  ])('%s is left alone: %s', (script, reason) => {
    expect(nodeCommandOf(script)).toEqual({ reason });
  });
});
