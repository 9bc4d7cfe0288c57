import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentSources } from '../src/engine/instrument.js';
import { compilerOptionsFor } from '../src/engine/program.js';
import { transformSource } from '../src/index.js';
import { engineOptions } from '../src/setup.js';
import { builtinTargets } from '../src/targets/index.js';
import { FIXTURES } from './support/fixtures.js';
import { COMPLETION_SENTINEL, startFakeLLM, USAGE, type FakeLLM } from './support/fake-llm.js';
import { parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { expectNoContent, PROMPT_SENTINEL } from './support/sentinel.js';
import { RABBITMQ, REDIS, serviceAvailable } from './support/services.js';

const ROOT = resolve(import.meta.dirname, '..');
const ENTRY = join(FIXTURES, 'build-app/orders.ts');
const OUT = join(ROOT, 'test/.tmp/build');
// Node libraries stay external, as they would in a server build; the otelify runtime is bundled.
const EXTERNAL = ['amqplib', 'bullmq', 'ioredis', 'openai', '@opentelemetry/api'];
const THROW_LINE = readFileSync(ENTRY, 'utf8').split('\n').findIndex((l) => l.includes('throw new Error')) + 1;

type Program = typeof import('../fixtures/build-app/orders.js');

async function build(bundler: string): Promise<string> {
  const dir = join(OUT, bundler);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'orders.mjs');
  switch (bundler) {
    case 'esbuild': {
      const { build: esbuild } = await import('esbuild');
      const { default: otelify } = await import('../src/build/esbuild.js');
      await esbuild({ entryPoints: [ENTRY], bundle: true, format: 'esm', platform: 'node', outfile: file, sourcemap: true, external: EXTERNAL, plugins: [otelify()], logLevel: 'silent' });
      break;
    }
    case 'rollup': {
      const { rollup } = await import('rollup');
      const { default: otelify } = await import('../src/build/rollup.js');
      const { default: esbuildStrip } = await import('./support/strip-types.js');
      const bundle = await rollup({ input: ENTRY, external: EXTERNAL, plugins: [otelify(), esbuildStrip()], onwarn: () => {} });
      await bundle.write({ file, format: 'es', sourcemap: true });
      break;
    }
    case 'rolldown': {
      const { rolldown } = await import('rolldown');
      const { default: otelify } = await import('../src/build/rolldown.js');
      const bundle = await rolldown({ input: ENTRY, external: EXTERNAL, platform: 'node', plugins: [otelify()], logLevel: 'silent' });
      await bundle.write({ file, format: 'es', sourcemap: true });
      await bundle.close();
      break;
    }
    case 'vite':
    case 'vite 8': {
      // Vite 8 bundles with Rolldown (options under `rolldownOptions`) and strips types with Oxc, not esbuild.
      const { build: vite } = (await import(bundler === 'vite' ? 'vite' : 'vite8')) as typeof import('vite8');
      const { default: otelify } = await import('../src/build/vite.js');
      const bundling = { external: EXTERNAL, output: { entryFileNames: 'orders.mjs', format: 'es' as const } };
      await vite({
        configFile: false,
        logLevel: 'silent',
        plugins: [otelify()],
        build: { ssr: ENTRY, outDir: dir, sourcemap: true, minify: false, ...(bundler === 'vite' ? { rollupOptions: bundling } : { rolldownOptions: bundling }) },
      });
      break;
    }
    case 'webpack':
    case 'rspack': {
      const compilerModule = bundler === 'webpack' ? await import('webpack') : await import('@rspack/core');
      const create = (compilerModule as { default: (config: object) => { run(cb: (err: Error | null, stats?: { hasErrors(): boolean; toString(): string }) => void): void } }).default;
      const { default: otelify } = await import(bundler === 'webpack' ? '../src/build/webpack.js' : '../src/build/rspack.js');
      await new Promise<void>((done, fail) =>
        create({
          mode: 'none',
          target: 'node20',
          entry: ENTRY,
          devtool: 'source-map',
          experiments: { outputModule: true },
          output: { path: dir, filename: 'orders.mjs', module: true, library: { type: 'module' }, chunkFormat: 'module' },
          externalsType: 'module',
          externals: Object.fromEntries(EXTERNAL.map((name) => [name, name])),
          resolve: { extensions: ['.ts', '.tsx', '.js'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
          module: {
            rules:
              bundler === 'rspack'
                ? [
                    { test: /\.ts$/, loader: 'builtin:swc-loader', options: { jsc: { parser: { syntax: 'typescript' } } }, type: 'javascript/auto' },
                    { test: /\.tsx$/, loader: 'builtin:swc-loader', options: { jsc: { parser: { syntax: 'typescript', tsx: true } } }, type: 'javascript/auto' },
                  ]
                : [{ test: /\.tsx?$/, loader: join(ROOT, 'test/support/esbuild-loader.cjs') }],
          },
          plugins: [otelify()],
        }).run((error, stats) => (error || stats?.hasErrors() ? fail(error ?? new Error(stats?.toString())) : done())),
      );
      break;
    }
  }
  return file;
}

const BUNDLERS = ['esbuild', 'rollup', 'rolldown', 'vite', 'vite 8', 'webpack', 'rspack'];

describe.each(BUNDLERS)('the %s plugin', (bundler) => {
  let file: string;
  beforeAll(async () => {
    file = await build(bundler);
  }, 60_000);

  it('emits the same instrumentation as `otelify apply`, importing @otelify/runtime', () => {
    const code = readFileSync(file, 'utf8');
    expect(code).toMatch(/traceSend\)?\(\{\s*system: ['"]rabbitmq['"],\s*operation: ['"]publish['"]/);
    expect(code).toMatch(/traceProcess\)?\(\{\s*system: ['"]rabbitmq['"]/);
    expect(code).toMatch(/traceLLM\)?\(\{\s*provider: ['"]openai['"],\s*operation: ['"]chat['"]/);
  });

  it('maps an error thrown inside an instrumented handler back to the original file and line', () => {
    const script = `
      const { consumeAndFail } = await import(${JSON.stringify(pathToFileURL(file).href)});
      const delivery = { content: Buffer.from('x'), fields: { routingKey: 'orders.failing' }, properties: { headers: {} } };
      try { await consumeAndFail({ consume: async (_queue, handler) => handler(delivery) }); }
      catch (error) { console.log(error.stack); }`;
    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout).toContain('cannot process orders.failing');
    expect(run.stdout).toMatch(new RegExp(`build-app[\\\\/]orders\\.ts:${THROW_LINE}:`));
  });
});

// One SDK for the file: the OpenTelemetry API takes the first global tracer provider only.
const otel = setupOtel();
afterAll(() => otel.shutdown());

describe('the built app against RabbitMQ', async () => {
  const available = await serviceAvailable(RABBITMQ);

  it.runIf(available).each(BUNDLERS)('%s: the consumer continues the producer trace', async (bundler) => {
    otel.reset();
    const program = (await import(pathToFileURL(join(OUT, bundler, 'orders.mjs')).href)) as Program;
    const url = 'amqp://guest:guest@127.0.0.1:5672';
    const queue = `otelify-build-${bundler}-${process.pid}`;
    const received: string[] = [];
    const close = await program.startConsumer(url, queue, (body) => received.push(`${body}:${trace.getActiveSpan()?.spanContext().traceId}`));
    try {
      const root = trace.getTracer('test').startSpan('order');
      await trace.getTracer('test').startActiveSpan('order', (span) => program.publish(url, queue, 'o-1').finally(() => span.end()));
      root.end();
      const consumer = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 5000, 'the consumer span');
      const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
      expect(producer.name).toBe(`publish ${queue}`);
      expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
      expect(received).toEqual([`o-1:${producer.spanContext().traceId}`]);
    } finally {
      await close();
    }
  });

  // Modules the bundler compiles its own way: TSX (whose JSX each bundler compiles) and plain JavaScript.
  const otherModules = BUNDLERS.flatMap((bundler) => [
    { bundler, kind: 'TSX', send: (program: Program, url: string, queue: string) => program.sendReceipt(url, queue, { id: 'o-7', lines: ['tea', 'cake'] }), body: '<receipt order="o-7"><line>tea</line><line>cake</line></receipt>' },
    { bundler, kind: 'JavaScript', send: (program: Program, url: string, queue: string) => program.recordAudit(url, queue, { order: 'o-7', action: 'paid' }), body: '{"order":"o-7","action":"paid"}' },
  ]);

  it.runIf(available).each(otherModules)('$bundler: a $kind module publishes in the trace too', async ({ bundler, kind, send, body }) => {
    otel.reset();
    const program = (await import(pathToFileURL(join(OUT, bundler, 'orders.mjs')).href)) as Program;
    const url = 'amqp://guest:guest@127.0.0.1:5672';
    const queue = `otelify-build-${kind}-${bundler}-${process.pid}`;
    const received: string[] = [];
    const close = await program.startConsumer(url, queue, (text) => received.push(text));
    try {
      await trace.getTracer('test').startActiveSpan('checkout', (span) => send(program, url, queue).finally(() => span.end()));
      const consumer = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 5000, 'the consumer span');
      const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
      expect(producer.name).toBe(`publish ${queue}`);
      expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
      expect(received).toEqual([body]);
    } finally {
      await close();
    }
  });
});

describe('the built app against Redis (BullMQ)', async () => {
  const available = await serviceAvailable(REDIS);

  it.runIf(available).each(BUNDLERS)('%s: the worker continues the trace of the add', async (bundler) => {
    otel.reset();
    const program = (await import(pathToFileURL(join(OUT, bundler, 'orders.mjs')).href)) as Program;
    await trace.getTracer('test').startActiveSpan('signup', async (span) => {
      await program.emailRoundTrip(`otelify-build-${bundler}-${process.pid}`, 'a@example.com');
      span.end();
    });
    const consumer = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 5000, 'the worker span');
    const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(producer.attributes['messaging.system']).toBe('bullmq');
    expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
  });
});

describe('the built app calling an LLM (the openai client against a loopback OpenAI API)', () => {
  let server: FakeLLM;
  beforeAll(async () => {
    server = await startFakeLLM();
  });
  afterAll(() => server.close());

  it.each(BUNDLERS)('%s: the call runs in an LLM span with its model, usage and cost, and no content', async (bundler) => {
    otel.reset();
    const program = (await import(pathToFileURL(join(OUT, bundler, 'orders.mjs')).href)) as Program;
    const summary = await program.summarizeOrder(program.connectAssistant(`${server.url}/v1`), PROMPT_SENTINEL);
    expect(summary).toContain(COMPLETION_SENTINEL);
    const span = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CLIENT), 5000, 'the LLM span');
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes).toMatchObject({ 'llm.provider': 'openai', 'llm.temperature': 0, 'llm.prompt_tokens': USAGE.input, 'llm.finish_reason': 'stop' });
    expect(span.attributes['llm.cost_usd']).toBeGreaterThan(0);
    expectNoContent(otel.spans(), [PROMPT_SENTINEL, COMPLETION_SENTINEL]);
  });
});

describe('the Vite dev server', () => {
  it.each(['vite', 'vite8'])('%s serves modules rewritten as the build does, with a source map', async (vite) => {
    const { createServer } = (await import(vite)) as typeof import('vite');
    const { default: otelify } = await import('../src/build/vite.js');
    const server = await createServer({
      configFile: false,
      root: join(FIXTURES, 'build-app'),
      logLevel: 'silent',
      plugins: [otelify({ cache: false })],
      server: { middlewareMode: true, hmr: false },
    });
    try {
      const served = await server.transformRequest('/orders.ts', { ssr: true });
      expect(served?.code).toContain('traceSend(');
      expect(served?.code).toContain('traceProcess(');
      const map = served?.map as { sources?: string[] } | null | undefined;
      expect(map?.sources?.some((source) => source.endsWith('orders.ts'))).toBe(true);
      const tsx = await server.transformRequest('/receipt.tsx', { ssr: true });
      expect(tsx?.code).toContain('traceSend(');
      expect((tsx?.map as { sources?: string[] } | null | undefined)?.sources?.some((source) => source.endsWith('receipt.tsx'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('esbuild rebuilding (watch mode, context.rebuild)', () => {
  it('warns of a module that imports a library only after the plugin started, and instruments the others as before', async () => {
    const dir = join(ROOT, 'test/.tmp/esbuild-rebuild');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const publisher = (queue: string) =>
      `import amqp from 'amqplib';\nexport async function ${queue}(url: string) {\n  const channel = await (await amqp.connect(url)).createChannel();\n  channel.sendToQueue('${queue}', Buffer.from('x'));\n}\n`;
    writeFileSync(join(dir, 'orders.ts'), publisher('orders'));
    writeFileSync(join(dir, 'main.ts'), "export * from './orders.js';\n");
    const { context } = await import('esbuild');
    const { default: otelify } = await import('../src/build/esbuild.js');
    const options = { entryPoints: [join(dir, 'main.ts')], bundle: true, write: false, format: 'esm' as const, platform: 'node' as const, external: ['amqplib', '@otelify/runtime'], logLevel: 'silent' as const };
    const build = await context({ ...options, plugins: [otelify({ root: dir, cache: false })] });
    try {
      expect((await build.rebuild()).warnings).toEqual([]);
      writeFileSync(join(dir, 'refunds.ts'), publisher('refunds'));
      writeFileSync(join(dir, 'main.ts'), "export * from './orders.js';\nexport * from './refunds.js';\n");
      const rebuilt = await build.rebuild();
      expect(rebuilt.warnings.map((w) => w.text)).toEqual([expect.stringMatching(/refunds\.ts imports amqplib but is not instrumented: .* Restart the build/)]);
      const code = rebuilt.outputFiles![0]!.text;
      expect(code).toMatch(/traceSend\)?\(\{\s*system: "rabbitmq",\s*operation: "publish",\s*destination: "orders"/);
      expect(code).not.toMatch(/destination: "refunds"/);
    } finally {
      await build.dispose();
    }
  });
});

describe('one engine for every front door', () => {
  it.each(['orders.ts', 'emails.ts', 'assistant.ts', 'receipt.tsx', 'audit.js'])('the plugin transform of %s equals the codemod output', (name) => {
    const file = join(FIXTURES, 'build-app', name);
    const code = readFileSync(file, 'utf8');
    const viaPlugin = transformSource(code, file)!.code;
    const [viaApply] = instrumentSources([{ path: file, text: code }], engineOptions({ targets: builtinTargets }, compilerOptionsFor(FIXTURES)));
    expect(viaPlugin).toBe(viaApply!.output);
  });

  it('takes the options shared with the config: include, exclude, only and convention', async () => {
    const { unpluginFactory } = await import('../src/build/unplugin.js');
    type Hooks = { transformInclude(id: string): boolean; transform(code: string, id: string): Promise<{ code: string } | null> };
    const plugin = unpluginFactory({ include: [/build-app/], exclude: [/emails/], only: ['llm'], convention: 'genai' }, { framework: 'esbuild' } as never) as unknown as Hooks;
    const assistant = join(FIXTURES, 'build-app/assistant.ts');
    expect(plugin.transformInclude(assistant)).toBe(true);
    expect(plugin.transformInclude(join(FIXTURES, 'build-app/emails.ts'))).toBe(false);
    expect(plugin.transformInclude(join(FIXTURES, 'openai/chat.input.ts'))).toBe(false);
    expect((await plugin.transform(readFileSync(assistant, 'utf8'), assistant))?.code).toContain("convention: 'genai'");
    // `only: ['llm']` leaves the queue calls of orders.ts alone.
    expect(await plugin.transform(readFileSync(ENTRY, 'utf8'), ENTRY)).toBeNull();
  });

  it('rewrites every golden fixture as `otelify apply` did, from one analysis of the fixtures folder', async () => {
    const { projectAnalysis } = await import('../src/build/project.js');
    const analysed = new Map((await projectAnalysis({ root: FIXTURES, targets: builtinTargets, configRoot: FIXTURES, cache: false })).map((m) => [resolve(m.path), m.code]));
    const inputs = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).filter((name) => /\.input\.[cm]?[jt]sx?$/.test(name));
    expect(inputs.length).toBeGreaterThan(60);
    for (const name of inputs) {
      const golden = join(FIXTURES, name.replace('.input.', '.output.'));
      const expected = existsSync(golden) ? readFileSync(golden, 'utf8') : undefined;
      expect(analysed.get(resolve(FIXTURES, name)), name).toBe(expected);
    }
  }, 60_000);

  it('leaves a file that `otelify apply` already rewrote alone', () => {
    const output = readFileSync(join(FIXTURES, 'amqplib/publish.output.ts'), 'utf8');
    expect(transformSource(output, join(FIXTURES, 'amqplib/publish.output.ts'))).toBeNull();
  });
});

describe('tsc with ts-patch (tspc) and the otelify/tsc program transformer', () => {
  const project = join(FIXTURES, 'tsc-app');
  const emitted = join(ROOT, 'test/.tmp/tsc-app/orders.js');
  // The same app the bundlers build, compiled by tspc.
  const source = ENTRY;
  beforeAll(() => {
    rmSync(join(ROOT, 'test/.tmp/tsc-app'), { recursive: true, force: true });
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/ts-patch/bin/tspc.js'), '-p', project], { cwd: ROOT, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`tspc failed:\n${run.stdout}${run.stderr}`);
  }, 60_000);

  it('type-checks and emits the instrumented code, leaving the source file unchanged', () => {
    const code = readFileSync(emitted, 'utf8');
    expect(code).toContain("import * as otelify from '@otelify/runtime';");
    expect(code).toMatch(/otelify\.traceSend\(\{ system: 'rabbitmq', operation: 'publish', destination: queue \}/);
    expect(readFileSync(source, 'utf8')).not.toContain('otelify.traceSend');
    // Imported modules are compiled instrumented too, not only the roots.
    expect(readFileSync(join(ROOT, 'test/.tmp/tsc-app/emails.js'), 'utf8')).toMatch(/otelify\.traceProcess\(\{ system: 'bullmq'/);
    expect(readFileSync(join(ROOT, 'test/.tmp/tsc-app/assistant.js'), 'utf8')).toMatch(/otelify\.traceLLM\(\{ provider: 'openai', operation: 'chat'/);
    expect(readFileSync(join(ROOT, 'test/.tmp/tsc-app/receipt.js'), 'utf8')).toMatch(/otelify\.traceSend\(\{ system: 'rabbitmq', operation: 'publish', destination: queue \}/);
    expect(readFileSync(join(ROOT, 'test/.tmp/tsc-app/audit.js'), 'utf8')).toMatch(/otelify\.traceSend\(\{ system: 'rabbitmq', operation: 'publish', destination: queue \}/);
  });

  it('keeps line numbers, so stack traces point at the original lines', () => {
    const line = readFileSync(source, 'utf8').split('\n').findIndex((l) => l.includes('throw new Error')) + 1;
    const script = `
      const { consumeAndFail } = await import(${JSON.stringify(pathToFileURL(emitted).href)});
      const delivery = { content: Buffer.from('x'), fields: { routingKey: 'orders.failing' }, properties: { headers: {} } };
      try { await consumeAndFail({ consume: async (_queue, handler) => handler(delivery) }); }
      catch (error) { console.log(error.stack); }`;
    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout).toMatch(new RegExp(`build-app[\\\\/]orders\\.ts:${line}:`));
  });
});
