import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject } from './support/project.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/bin.js');

const PRODUCER = `import type { Channel } from 'amqplib';

export function publishOrder(channel: Channel, id: string) {
  channel.sendToQueue('orders', Buffer.from(id));
}
`;
const CONSUMER = `import type { Channel } from 'amqplib';

export async function consumeOrders(channel: Channel) {
  await channel.consume('orders', (msg) => {
    if (msg) channel.ack(msg);
  });
}
`;
const UNRELATED = `export const answer = 42;\n`;
const LLM_CALLS = `import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

const openai = new OpenAI();
const anthropic = new Anthropic();

export async function answer(question: string) {
  const a = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] });
  const b = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: [{ role: 'user', content: question }] });
  return [a, b];
}
`;
const BROKEN = `import type { Channel } from 'amqplib';\nexport function f(channel: Channel) {\n  channel.sendToQueue('q', Buffer.from('x')\n}\n`;

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A throwaway project outside this repository, resolving packages from ours. */
function project(files: Record<string, string>, options: { git?: boolean; gitignore?: string } = {}): string {
  const dir = makeProject('otelify-cli-', files, options);
  dirs.push(dir);
  return dir;
}

function otelify(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('otelify apply', () => {
  it('--dry prints a unified diff, the package.json change and the summary, and writes nothing', () => {
    const dir = project({ 'src/producer.ts': PRODUCER, 'src/consumer.ts': CONSUMER, 'src/util.ts': UNRELATED });
    const pkg = read(dir, 'package.json');
    const run = otelify(dir, 'apply', 'src', '--dry');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--- a/src/producer.ts');
    expect(run.stdout).toContain("+import * as otelify from '@otelify/runtime';");
    // The file keeps to 80 columns, so the inserted spec breaks across lines.
    expect(run.stdout).toContain("+  otelify.traceSend({\n+    system: 'rabbitmq',\n+    operation: 'publish',\n+    destination: 'orders',\n+  }, () => ");
    expect(run.stdout).toContain('--- a/package.json');
    expect(run.stdout).toMatch(/\+.*"@opentelemetry\/api": ?"\^1\.9\.0"/);
    expect(run.stdout).toMatch(/\+.*"@otelify\/runtime": ?"\^\d+\.\d+\.\d+"/);
    expect(run.stdout).toMatch(/dependencies package\.json would gain @otelify\/runtime@\^[\d.]+, @opentelemetry\/api@\^1\.9\.0/);
    expect(run.stdout).toContain('After applying, run npm install to install the added dependencies; otelify installs nothing itself.');
    expect(run.stdout).toMatch(/3 files scanned \(2 parsed, 1 ruled out by the prefilter\): 2 would change, 1 unchanged, 0 failed/);
    expect(read(dir, 'src/producer.ts')).toBe(PRODUCER);
    expect(read(dir, 'package.json')).toBe(pkg);
    expect(existsSync(join(dir, 'src/otelify.runtime.ts'))).toBe(false);

    const vendored = otelify(dir, 'apply', 'src', '--dry', '--runtime', 'vendor');
    expect(vendored.stdout).toContain('new file src/otelify.runtime.ts: the otelify runtime helper');
    expect(vendored.stdout).not.toContain('@otelify/runtime');
    expect(otelify(dir, 'apply', 'src', '--dry', '--verbose', '--runtime', 'vendor').stdout).toContain('+++ b/src/otelify.runtime.ts');
  });

  it('writes the rewrite and the dependencies, and a second run changes nothing', () => {
    const dir = project({ 'src/producer.ts': PRODUCER, 'src/consumer.ts': CONSUMER, 'src/assistant.ts': LLM_CALLS });
    writeFileSync(join(dir, 'package.json'), '{\n    "name": "shop",\n    "type": "module",\n    "dependencies": {\n        "amqplib": "^0.10.0"\n    }\n}\n');
    writeFileSync(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    const first = otelify(dir, 'apply', 'src');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Now run pnpm install to install the added dependencies');
    expect(read(dir, 'src/producer.ts')).toContain("import * as otelify from '@otelify/runtime';");
    expect(read(dir, 'src/consumer.ts')).toContain('otelify.traceProcess(');
    // Each LLM library's adapter, and nothing else, is loaded beside the runtime.
    expect(read(dir, 'src/assistant.ts')).toContain("import * as otelify from '@otelify/runtime';\nimport '@otelify/runtime/anthropic';\nimport '@otelify/runtime/openai';\n");
    expect(read(dir, 'src/producer.ts')).not.toContain('@otelify/runtime/');
    // Indentation, key order and the final newline are the file's own.
    expect(read(dir, 'package.json')).toMatch(/^\{\n {4}"name": "shop",\n {4}"type": "module",\n {4}"dependencies": \{\n {8}"@opentelemetry\/api": "\^1\.9\.0",\n {8}"@otelify\/runtime": "\^[\d.]+",\n {8}"amqplib": "\^0\.10\.0"\n {4}\}\n\}\n$/);
    expect(existsSync(join(dir, 'src/otelify.runtime.ts'))).toBe(false);
    const files = ['src/producer.ts', 'src/consumer.ts', 'src/assistant.ts', 'package.json'];
    const snapshot = files.map((f) => read(dir, f));
    const second = otelify(dir, 'apply', 'src', '--json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.files.changed).toBe(0);
    expect(report.written).toEqual([]);
    expect(report.dependencies).toEqual([]);
    expect(report.sites.map((s: { action: string }) => s.action)).toEqual(Array(4).fill('already-instrumented'));
    expect(files.map((f) => read(dir, f))).toEqual(snapshot);
  });

  it('with --runtime vendor writes the runtime into the source root, and a second run changes nothing', () => {
    const dir = project({ 'src/orders/producer.ts': PRODUCER, 'src/orders/consumer.ts': CONSUMER });
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { rootDir: 'src', outDir: 'dist', module: 'nodenext', strict: true } }));
    const first = otelify(dir, 'apply', 'src/orders', '--runtime', 'vendor');
    expect(first.code).toBe(0);
    expect(read(dir, 'src/orders/producer.ts')).toContain("import * as otelify from '../otelify.runtime.js';");
    expect(read(dir, 'src/otelify.runtime.ts')).toContain('export function traceSend');
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toEqual({ '@opentelemetry/api': '^1.9.0' });
    const files = ['src/orders/producer.ts', 'src/orders/consumer.ts', 'src/otelify.runtime.ts', 'package.json'];
    const snapshot = files.map((f) => read(dir, f));
    // The vendored runtime stays the package's runtime without the flag.
    const second = JSON.parse(otelify(dir, 'apply', 'src', '--json').stdout);
    expect(second.files.changed).toBe(0);
    expect(second.written).toEqual([]);
    expect(files.map((f) => read(dir, f))).toEqual(snapshot);
  });

  it('says which libraries had no typings to match against, instead of missing call sites silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelify-cli-'));
    dirs.push(dir);
    // No node_modules: kafkajs's typings cannot be found, so only import tracking matches.
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bare', type: 'module' }));
    writeFileSync(join(dir, 'src/producer.ts'), `import { Kafka } from 'kafkajs';\nconst producer = new Kafka({ brokers: ['b'] }).producer();\nexport const send = () => producer.send({ topic: 't', messages: [] });\n`);
    const run = otelify(dir, 'apply', 'src', '--dry');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('note the typings of kafkajs were not found from src/producer.ts (run your install first): 1 call site there matched by imports only');
    expect(JSON.parse(otelify(dir, 'apply', 'src', '--dry', '--json').stdout).notes).toEqual([expect.stringContaining('the typings of kafkajs were not found')]);
    // With the typings installed, nothing to say.
    expect(otelify(project({ 'src/producer.ts': PRODUCER }), 'apply', 'src', '--dry').stdout).not.toContain('typings');
  });

  it("leaves a library's own sources alone: the repository of amqplib is not instrumented with amqplib spans", () => {
    const dir = project({ 'lib/channel.ts': PRODUCER, 'lib/consumer.ts': CONSUMER });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'amqplib', version: '9.9.9' }));
    const run = otelify(dir, 'apply', 'lib', '--dry', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.sites).toEqual([]);
    expect(report.notes).toEqual(['. is the package amqplib itself: its own sources are left alone']);
  });

  it('reports a file that does not parse with file:line:column, leaves it byte-for-byte untouched, writes the others, exits 1', () => {
    const dir = project({ 'src/broken.ts': BROKEN, 'src/producer.ts': PRODUCER });
    const run = otelify(dir, 'apply', 'src');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed src\/broken\.ts:4:1: ',' expected\. \(file left untouched\)/);
    expect(read(dir, 'src/broken.ts')).toBe(BROKEN);
    expect(read(dir, 'src/producer.ts')).toContain('otelify.traceSend(');
  });

  it('--json lists every call site with file, line, library, role and action', () => {
    const dir = project({
      'src/producer.ts': PRODUCER,
      'src/ignored.ts': `import type { Channel } from 'amqplib';\nexport function f(c: Channel) {\n  // otelify-ignore: audit messages must not carry context\n  c.sendToQueue('audit', Buffer.from('x'));\n}\n`,
    });
    const run = otelify(dir, 'apply', 'src', '--dry', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.sites).toEqual([
      { file: 'src/ignored.ts', line: 4, column: 3, target: 'amqplib.sendToQueue', library: 'amqplib', role: 'produce', action: 'skipped', reason: 'otelify-ignore comment' },
      { file: 'src/producer.ts', line: 4, column: 3, target: 'amqplib.sendToQueue', library: 'amqplib', role: 'produce', action: 'instrumented' },
    ]);
  });

  it('refuses to write over uncommitted changes unless --force (exit 2), and --dry is always allowed', () => {
    const dir = project({ 'src/producer.ts': PRODUCER }, { git: true });
    writeFileSync(join(dir, 'src/notes.ts'), UNRELATED);
    const refused = otelify(dir, 'apply', 'src');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('uncommitted changes');
    expect(refused.stderr).toContain('--force');
    expect(read(dir, 'src/producer.ts')).toBe(PRODUCER);
    expect(otelify(dir, 'apply', 'src', '--dry').code).toBe(0);
    const forced = otelify(dir, 'apply', 'src', '--force');
    expect(forced.code).toBe(0);
    expect(read(dir, 'src/producer.ts')).toContain('otelify.traceSend(');
  });

  it('skips what .gitignore ignores, node_modules and build output', () => {
    const dir = project(
      { 'src/producer.ts': PRODUCER, 'generated/producer.ts': PRODUCER, 'dist/producer.js': PRODUCER },
      { git: true, gitignore: 'node_modules\ngenerated/\n' },
    );
    const report = JSON.parse(otelify(dir, 'apply', '.', '--dry', '--json').stdout);
    expect(report.sites.map((s: { file: string }) => s.file)).toEqual(['src/producer.ts']);
  });

  it('takes the config: disabled libraries, excluded paths, tracer name', () => {
    const dir = project({
      'src/producer.ts': PRODUCER,
      'src/legacy/producer.ts': PRODUCER,
      'otelify.config.json': JSON.stringify({ exclude: ['src/legacy/**'], tracerName: 'shop-queues' }),
    });
    const run = otelify(dir, 'apply', 'src');
    expect(run.code).toBe(0);
    expect(read(dir, 'src/legacy/producer.ts')).toBe(PRODUCER);
    // The package reads the tracer name at run time: the summary says how.
    expect(run.stdout).toContain("note the config's tracerName apply at run time: call configure() from @otelify/runtime");
    const vendoring = project({ 'src/producer.ts': PRODUCER, 'otelify.config.json': JSON.stringify({ runtime: 'vendor', tracerName: 'shop-queues' }) });
    const vendored = otelify(vendoring, 'apply', 'src');
    expect(vendored.code).toBe(0);
    expect(vendored.stdout).not.toContain('configure()');
    expect(read(vendoring, 'src/otelify.runtime.ts')).toContain('let tracerName = "shop-queues";');

    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ disable: ['amqplib'] }));
    const disabled = JSON.parse(otelify(dir, 'apply', 'src/legacy', '--dry', '--json').stdout);
    expect(disabled.sites).toEqual([]);
  });

  it('reads otelify.config.ts and the package.json "otelify" key', () => {
    const typed = project({
      'src/producer.ts': PRODUCER,
      'otelify.config.ts': `const config: { disable: string[] } = { disable: ['amqplib.sendToQueue'] };\nexport default config;\n`,
    });
    expect(JSON.parse(otelify(typed, 'apply', 'src', '--dry', '--json').stdout).sites).toEqual([]);
    const keyed = project({ 'src/producer.ts': PRODUCER });
    writeFileSync(join(keyed, 'package.json'), JSON.stringify({ name: 'shop', type: 'module', otelify: { disable: ['amqplib'] } }));
    expect(JSON.parse(otelify(keyed, 'apply', 'src', '--dry', '--json').stdout).sites).toEqual([]);
    writeFileSync(join(keyed, 'package.json'), JSON.stringify({ name: 'shop', type: 'module', otelify: { disable: 'amqplib' } }));
    const bad = otelify(keyed, 'apply', 'src', '--dry');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'disable' must be a list of strings");
  });

  it('exits 2 with a clear message on a bad config or a missing path', () => {
    const dir = project({ 'src/producer.ts': PRODUCER, 'otelify.config.json': '{ "exclud": [] }' });
    const badConfig = otelify(dir, 'apply', 'src');
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain("unknown key 'exclud'");
    const missing = otelify(project({}), 'apply', 'nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or directory: nope');
    expect(otelify(dir, 'apply', '--bogus').code).toBe(2);
  });

  it('vendors an ES module runtime for plain-JS ESM packages and a CommonJS one for require() code', () => {
    const dir = project({
      'cjs/package.json': JSON.stringify({ name: 'worker' }),
      'esm/send.mjs': `import amqp from 'amqplib';\nconst conn = await amqp.connect('amqp://localhost');\nconst ch = await conn.createChannel();\nch.sendToQueue('q', Buffer.from('x'));\n`,
      'cjs/send.cjs': `const amqp = require('amqplib');\nasync function main() {\n  const conn = await amqp.connect('amqp://localhost');\n  const ch = await conn.createChannel();\n  ch.sendToQueue('q', Buffer.from('x'));\n}\nmodule.exports = { main };\n`,
    });
    expect(otelify(dir, 'apply', 'esm', '--runtime', 'vendor').code).toBe(0);
    expect(read(dir, 'esm/send.mjs')).toContain("import * as otelify from './otelify.runtime.mjs';");
    expect(read(dir, 'esm/otelify.runtime.mjs')).toContain('export function traceSend');
    expect(otelify(dir, 'apply', 'cjs', '--runtime', 'vendor').code).toBe(0);
    expect(read(dir, 'cjs/send.cjs')).toContain("const otelify = require('./otelify.runtime.cjs');");
    expect(read(dir, 'cjs/otelify.runtime.cjs')).toContain('exports.traceSend = traceSend');
  });

  it('--only llm and --only queues apply one group; --convention is written into each LLM call', () => {
    const dir = project({ 'src/producer.ts': PRODUCER, 'src/assistant.ts': LLM_CALLS });
    const llmOnly = JSON.parse(otelify(dir, 'apply', 'src', '--only', 'llm', '--dry', '--json').stdout);
    expect(llmOnly.sites.map((s: { target: string }) => s.target).sort()).toEqual(['anthropic.messages.create', 'openai.chat.completions.create']);
    const queuesOnly = JSON.parse(otelify(dir, 'apply', 'src', '--only', 'queues', '--dry', '--json').stdout);
    expect(queuesOnly.sites.map((s: { library: string }) => s.library)).toEqual(['amqplib']);

    const run = otelify(dir, 'apply', 'src', '--only', 'llm', '--convention', 'genai');
    expect(run.code).toBe(0);
    // The Anthropic SDK installed here traces itself: the summary says so, once.
    expect(run.stdout.match(/note @?anthropic/g) ?? []).toHaveLength(1);
    expect(run.stdout).toContain('ANTHROPIC_OPEN_TELEMETRY=false');
    const rewritten = read(dir, 'src/assistant.ts');
    expect(rewritten.match(/convention: 'genai'/g)).toHaveLength(2);
    expect(read(dir, 'src/producer.ts')).toBe(PRODUCER);
    expect(rewritten).toContain("import '@otelify/runtime/openai';");
    expect(otelify(dir, 'apply', 'src', '--convention', 'otel').code).toBe(2);
  });

  it('takes the convention, model prices and prompt hashing from the config, and rejects malformed ones', () => {
    const dir = project({
      'src/assistant.ts': LLM_CALLS,
      'otelify.config.json': JSON.stringify({ runtime: 'vendor', convention: 'both', prices: { 'ft:gpt-4o:acme*': { input: 3, output: 12 } }, promptHash: true }),
    });
    expect(otelify(dir, 'apply', 'src').code).toBe(0);
    expect(read(dir, 'src/assistant.ts')).toContain("convention: 'both'");
    expect(read(dir, 'src/otelify.runtime.ts')).toContain('let priceOverrides: PriceTable = {"ft:gpt-4o:acme*":{"input":3,"output":12}};');
    expect(read(dir, 'src/otelify.runtime.ts')).toContain('let promptHashing = true;');
    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ promptHash: 'yes' }));
    expect(otelify(dir, 'apply', 'src', '--dry').stderr).toContain("'promptHash' must be true or false");
    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ prices: { 'x': { input: 'cheap' } } }));
    const bad = otelify(dir, 'apply', 'src', '--dry');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'prices.x' must be { input, output, cacheRead?, cacheWrite? }");
    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ convention: 'otel' }));
    expect(otelify(dir, 'apply', 'src', '--dry').stderr).toContain("'convention' must be one of llm, genai, both");
    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ runtime: 'copy' }));
    expect(otelify(dir, 'apply', 'src', '--dry').stderr).toContain("'runtime' must be one of package, vendor");
  });

  it('asks OpenAI for a stream\'s usage with streamUsage in the config, only where the code says nothing of it and the API accepts it', () => {
    const streams = [
      `import OpenAI from 'openai';`,
      `const openai = new OpenAI();`,
      `const groq = new OpenAI({ baseURL: 'https://api.groq.com/openai/v1' });`,
      `export const plain = (q: string) => openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }], stream: true });`,
      `export const asked = (q: string) => openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }], stream: true, stream_options: { include_usage: false } });`,
      `export const compatible = (q: string) => groq.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: q }], stream: true });`,
      `export const whole = (q: string) => openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });`,
      '',
    ].join('\n');
    const dir = project({ 'src/streams.ts': streams, 'otelify.config.json': JSON.stringify({ streamUsage: true }) });
    expect(otelify(dir, 'apply', 'src').code).toBe(0);
    // Each statement whole: inserted specs may break across lines.
    const statements = read(dir, 'src/streams.ts').split(/\n(?=export const )/);
    const line = (name: string) => statements.find((l) => l.startsWith(`export const ${name}`))!;
    expect(line('plain')).toContain("stream: true, stream_options: { include_usage: true } }))");
    expect(line('plain')).toContain('streamUsage: true');
    expect(line('asked')).toContain('stream_options: { include_usage: false } }))');
    expect(line('asked')).not.toContain('streamUsage');
    expect(line('compatible')).not.toContain('include_usage');
    expect(line('whole')).not.toContain('include_usage');

    const without = project({ 'src/streams.ts': streams });
    expect(otelify(without, 'apply', 'src').code).toBe(0);
    expect(read(without, 'src/streams.ts')).not.toContain('include_usage: true');
    writeFileSync(join(without, 'otelify.config.json'), JSON.stringify({ streamUsage: 'yes' }));
    expect(otelify(without, 'apply', 'src', '--dry').stderr).toContain("'streamUsage' must be true or false");
  });

  it('writes only the runtime parts the call sites use, and keeps the parts an earlier run wrote', () => {
    const gemini = `import { GoogleGenAI } from '@google/genai';\nexport const ask = (ai: GoogleGenAI, q: string) => ai.models.generateContent({ model: 'gemini-2.5-flash', contents: q });\n`;
    const dir = project({
      'src/queues/producer.ts': PRODUCER,
      'src/ai/assistant.ts': LLM_CALLS,
      'src/ai/gemini.ts': gemini,
      'otelify.config.json': JSON.stringify({ runtimeFile: 'src/otelify.runtime' }),
    });
    expect(otelify(dir, 'apply', 'src/queues').code).toBe(0);
    const queuesOnly = read(dir, 'src/otelify.runtime.ts');
    expect(queuesOnly).toContain('export function traceSend');
    expect(queuesOnly).not.toContain('traceLLM');
    expect(otelify(dir, 'apply', 'src/ai/assistant.ts').code).toBe(0);
    const openaiAndAnthropic = read(dir, 'src/otelify.runtime.ts');
    expect(openaiAndAnthropic).toContain('export function traceSend');
    expect(openaiAndAnthropic).toContain('export function traceLLM');
    // Only the adapters of the SDKs the code calls.
    expect(openaiAndAnthropic).toContain("adapters['openai.chat']");
    expect(openaiAndAnthropic).toContain("adapters['anthropic.messages']");
    expect(openaiAndAnthropic).not.toContain("adapters['google.generate']");
    expect(openaiAndAnthropic).not.toContain("adapters['bedrock.converse']");
    expect(otelify(dir, 'apply', 'src/ai/gemini.ts').code).toBe(0);
    const all = read(dir, 'src/otelify.runtime.ts');
    for (const kept of ['export function traceSend', "adapters['openai.chat']", "adapters['anthropic.messages']", "adapters['google.generate']"]) expect(all).toContain(kept);
    expect(all).not.toContain("adapters['cohere.chat']");
  });
});
