// One throwaway project per way real applications hold their clients: every call site is found (or reported),
// whichever module holds the client, with and without the libraries' typings installed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findGlobalTracers } from '../src/targets/global-tracers.js';
import { makeProject, type ProjectOptions } from './support/project.js';

const BIN = join(resolve(import.meta.dirname, '..'), 'dist/cli/bin.js');
const TSCONFIG = JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true }, include: ['src'] });

interface Report {
  sites: { file: string; line: number; target: string; action: string; reason?: string }[];
  notes: string[];
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function dryRun(files: Record<string, string>, options: ProjectOptions = {}): Report {
  const dir = makeProject('otelify-discovery-', { 'tsconfig.json': TSCONFIG, ...files }, options);
  dirs.push(dir);
  const run = spawnSync(process.execPath, [BIN, 'apply', '.', '--dry', '--json'], { cwd: dir, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

/** `file:line target action` per site, in report order. */
const lines = (report: Report) => report.sites.map((s) => `${s.file}:${s.line} ${s.target} ${s.action}`);

const CLIENTS = `import OpenAI from 'openai';
import { Queue } from 'bullmq';

export const openai = new OpenAI();
const queues = new Map<string, Queue>();

export function getQueue(name: string): Queue {
  let queue = queues.get(name);
  if (!queue) queues.set(name, (queue = new Queue(name, { connection: { host: '127.0.0.1' } })));
  return queue;
}
`;

describe('cross-module discovery', () => {
  it('a shared client module and a factory function: the feature module that calls them is rewritten', () => {
    const report = dryRun({
      'src/clients.ts': CLIENTS,
      'src/summaries.ts': `import { getQueue, openai } from './clients.js';

export async function summarize(text: string) {
  const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
  await getQueue('summaries').add('summary', { text: reply.choices[0]?.message.content ?? '' });
}
`,
    });
    expect(lines(report)).toEqual(['src/summaries.ts:4 openai.chat.completions.create instrumented', 'src/summaries.ts:5 bullmq.add instrumented']);
  });

  it('a client injected through a constructor (dependency injection) and held in a field', () => {
    const report = dryRun({
      'src/clients.ts': CLIENTS,
      'src/service.ts': `import type OpenAI from 'openai';
import type { Queue } from 'bullmq';

export class ReportService {
  constructor(private readonly llm: OpenAI, private readonly queue: Queue) {}

  async run(topic: string) {
    const draft = await this.llm.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: topic }] });
    await this.queue.add('report', { draft: draft.id });
  }
}
`,
    });
    expect(lines(report)).toEqual(['src/service.ts:8 openai.chat.completions.create instrumented', 'src/service.ts:9 bullmq.add instrumented']);
  });

  it('a barrel re-export and a tsconfig paths alias', () => {
    const report = dryRun({
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', skipLibCheck: true, paths: { '@/*': ['./src/*'] } }, include: ['src'] }),
      'src/lib/clients.ts': CLIENTS,
      'src/lib/index.ts': `export * from './clients';\n`,
      'src/jobs.ts': `import { getQueue } from '@/lib';

export async function enqueue(id: string) {
  await getQueue('jobs').add('job', { id });
}
`,
    });
    expect(lines(report)).toEqual(['src/jobs.ts:4 bullmq.add instrumented']);
  });

  it('a workspace package imported by its name', () => {
    const report = dryRun(
      {
        'packages/clients/package.json': JSON.stringify({ name: '@acme/clients', type: 'module', main: 'src/index.ts' }),
        'packages/clients/src/index.ts': CLIENTS,
        'packages/app/package.json': JSON.stringify({ name: '@acme/app', type: 'module', dependencies: { '@acme/clients': '*' } }),
        'packages/app/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true, paths: { '@acme/clients': ['../clients/src/index.ts'] } }, include: ['src'] }),
        'packages/app/src/worker.ts': `import { openai } from '@acme/clients';

export async function label(text: string) {
  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
}
`,
      },
      { packageJson: JSON.stringify({ name: 'acme', private: true, workspaces: ['packages/*'] }) },
    );
    expect(lines(report)).toEqual(['packages/app/src/worker.ts:4 openai.chat.completions.create instrumented']);
  });
});

describe('without typings or with imports that do not resolve', () => {
  const UNTYPED = {
    'src/bus.ts': `import type { Channel } from 'amqplib';
import type { Producer } from 'kafkajs';

export class Bus {
  constructor(private readonly channel: Channel, private readonly producer: Producer) {}

  async emit(event: string) {
    this.channel.sendToQueue('events', Buffer.from(event));
    await this.producer.send({ topic: 'events', messages: [{ value: event }] });
  }
}
`,
    'src/lib/clients.ts': CLIENTS,
    'src/feature.ts': `import { openai } from './lib/clients';

export async function title(text: string) {
  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
}
`,
  };

  it('no node_modules: clients typed by a library import (fields, parameters) and imported from another module are matched by imports, and the report says so per library', () => {
    const report = dryRun(UNTYPED, { nodeModules: false });
    expect(lines(report)).toEqual([
      'src/bus.ts:8 amqplib.sendToQueue instrumented',
      'src/bus.ts:9 kafkajs.send instrumented',
      'src/feature.ts:4 openai.chat.completions.create instrumented',
    ]);
    expect(report.notes).toEqual(
      expect.arrayContaining([
        'the typings of amqplib were not found from src/bus.ts (run your install first): 1 call site there matched by imports only',
        'the typings of kafkajs were not found from src/bus.ts (run your install first): 1 call site there matched by imports only',
        expect.stringMatching(/^the typings of openai were not found from src\/lib\/clients\.ts/),
      ]),
    );
  });

  it('with typings, a project import that does not resolve under NodeNext (no extension) is followed to the module it names', () => {
    const report = dryRun(UNTYPED);
    expect(lines(report)).toContain('src/feature.ts:4 openai.chat.completions.create instrumented');
    expect(lines(report)).toContain('src/bus.ts:8 amqplib.sendToQueue instrumented');
  });

  it('names in the untyped note only the files that import the library, and lists possible sites only of libraries the project imports', () => {
    const report = dryRun(
      {
        'src/bus.ts': UNTYPED['src/bus.ts'],
        'src/labels.ts': `import { registry } from './registry';\n\nexport const kind = 'ai';\nexport const consumer = registry.consumer.create({ queueUrl: kind });\n`,
        'src/registry.js': `export const registry = globalThis.registry;\n`,
        'src/retired.ts': `// import OpenAI from 'openai';\nexport const retired = true;\n`,
      },
      { nodeModules: false },
    );
    expect(report.notes.filter((n) => n.startsWith('the typings of')).map((n) => n.split(' were')[0])).toEqual(['the typings of amqplib', 'the typings of kafkajs']);
    expect(report.sites.map((s) => s.file)).not.toContain('src/labels.ts');
  });

  it('a receiver that nothing ties to the library is reported as a possible site, never rewritten or dropped silently', () => {
    const report = dryRun(
      {
        'src/relay.ts': `import type { Channel } from 'amqplib';
import { registry } from './registry';

export type { Channel };
export function relay(id: string) {
  registry.lookup('rabbit').sendToQueue('relay', Buffer.from(id));
}
`,
        'src/registry.js': `export const registry = { lookup: (name) => globalThis[name] };\n`,
      },
      { nodeModules: false },
    );
    expect(report.sites).toEqual([
      expect.objectContaining({
        file: 'src/relay.ts',
        line: 6,
        target: 'amqplib.sendToQueue',
        action: 'skipped',
        reason: 'possible call site not rewritten: the receiver has no type here (the typings of amqplib were not found; it needs @types/amqplib) and does not trace back to an import of amqplib',
      }),
    ]);
    expect(report.notes.join('\n')).toMatch(/1 possible site skipped/);
  });

  it('a receiver declared as another of the library\'s types is a possible site, not a match (a Vendure JobQueueStrategy\'s add)', () => {
    const report = dryRun(
      {
        'src/jobs.ts': `import type { Job, JobQueue, JobQueueStrategy } from '@vendure/core';

export async function enqueue(queue: JobQueue<{ id: string }>, strategy: JobQueueStrategy, job: Job) {
  await queue.add({ id: 'a' });
  await strategy.add(job);
}
`,
      },
      { nodeModules: false },
    );
    expect(report.sites).toEqual([
      expect.objectContaining({ line: 4, target: 'vendure.add', action: 'instrumented' }),
      expect.objectContaining({
        line: 5,
        target: 'vendure.add',
        action: 'skipped',
        reason: 'possible call site not rewritten: the receiver has no type here (the typings of @vendure/core were not found) and is declared as JobQueueStrategy, not as JobQueue',
      }),
    ]);
  });
});

describe('coexistence with tracers set up elsewhere', () => {
  const CALLS = `import OpenAI from 'openai';
import type { Channel } from 'amqplib';

const openai = new OpenAI();

export async function handle(channel: Channel, text: string) {
  const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
  channel.sendToQueue('replies', Buffer.from(reply.id));
}
`;

  it("Traceloop initialised in another file: LLM calls are skipped with where it is set up; queue calls are not its business", () => {
    const report = dryRun({
      'src/tracing.ts': `import * as traceloop from '@traceloop/node-server-sdk';\n\ntraceloop.initialize({ appName: 'shop' });\n`,
      'src/handler.ts': CALLS,
    });
    expect(report.sites).toEqual([
      expect.objectContaining({ file: 'src/handler.ts', line: 7, action: 'skipped', reason: "Traceloop (OpenLLMetry) (set up at src/tracing.ts:1) traces every openai call; a second span would double it" }),
      expect.objectContaining({ file: 'src/handler.ts', line: 8, action: 'instrumented' }),
    ]);
  });

  it("OpenTelemetry's auto-instrumentations registered: queue sites are instrumented with a note saying where", () => {
    const report = dryRun({
      'src/otel.ts': `import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';\n\nexport const instrumentations = getNodeAutoInstrumentations();\n`,
      'src/handler.ts': CALLS,
    });
    const queue = report.sites.find((s) => s.line === 8) as { action: string; note?: string };
    expect(queue.action).toBe('instrumented');
    expect(queue.note).toBe("OpenTelemetry's Node auto-instrumentations (set up at src/otel.ts:3) also spans amqplib calls: turn it off for amqplib there, or each message gets two spans");
    expect(report.sites.find((s) => s.line === 7)?.action).toBe('instrumented');
  });

  it('says which imported messaging and LLM libraries it does not instrument, and which files import them', () => {
    const report = dryRun({
      'src/summarize.ts': `import Groq from 'groq-sdk';\n\nconst groq = new Groq();\nexport const summarize = (text: string) => groq.chat.completions.create({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: text }] });\n`,
      'src/jobs.ts': `import Queue from 'bull';\nimport { Queue as Modern } from 'bullmq';\n\nexport const legacy = new Queue('legacy');\nexport const modern = new Modern('modern', { connection: { host: '127.0.0.1' } });\n`,
      'src/handler.ts': CALLS,
    });
    expect(report.notes).toContain('groq-sdk (an LLM SDK) is imported by src/summarize.ts: otelify does not instrument it, so its calls get no span');
    expect(report.notes).toContain('bull (a messaging library) is imported by src/jobs.ts: otelify does not instrument it, so its calls get no span');
    expect(report.notes.filter((note) => /does not instrument it/.test(note))).toHaveLength(2);
  });

  it("OpenTelemetry's auto-instrumentations loaded by their register entry: the same note", () => {
    const report = dryRun({
      'src/main.ts': `import '@opentelemetry/auto-instrumentations-node/register';\nimport { handle } from './handler.js';\n\nexport { handle };\n`,
      'src/handler.ts': CALLS,
    });
    const queue = report.sites.find((s) => s.line === 8) as { action: string; note?: string };
    expect(queue.note).toBe("OpenTelemetry's Node auto-instrumentations (set up at src/main.ts:1) also spans amqplib calls: turn it off for amqplib there, or each message gets two spans");
  });

  it("in a monorepo, each package's own tracer set-up is the one its sites are told of; a package without one is told of the first found", () => {
    const setup = (file: string) => `import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';\n\n// ${file}\nexport const instrumentations = getNodeAutoInstrumentations();\n`;
    const report = dryRun({
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['apps/*'] }),
      'apps/gateway/package.json': JSON.stringify({ name: 'gateway' }),
      'apps/gateway/src/otel.ts': setup('gateway'),
      'apps/gateway/src/handler.ts': CALLS,
      'apps/worker/package.json': JSON.stringify({ name: 'worker' }),
      'apps/worker/src/telemetry/otel-init.ts': setup('worker'),
      'apps/worker/src/handler.ts': CALLS,
      'apps/mailer/package.json': JSON.stringify({ name: 'mailer' }),
      'apps/mailer/src/handler.ts': CALLS,
    });
    const noteOf = (file: string) => (report.sites.find((s) => s.file === file && s.line === 8) as { note?: string } | undefined)?.note;
    expect(noteOf('apps/gateway/src/handler.ts')).toContain('set up at apps/gateway/src/otel.ts:4');
    expect(noteOf('apps/worker/src/handler.ts')).toContain('set up at apps/worker/src/telemetry/otel-init.ts:4');
    expect(noteOf('apps/mailer/src/handler.ts')).toContain('set up at apps/gateway/src/otel.ts:4');
  });

  it("BullMQ's own telemetry given to a queue (built on first use by a factory in another module): its calls are left to it, other queues are not", () => {
    const report = dryRun({
      'src/queues.ts': `import { Queue } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';

let exportsQueue: Queue | undefined;
export function getExportsQueue(): Queue {
  if (!exportsQueue) exportsQueue = new Queue('exports', { connection: { host: '127.0.0.1' }, telemetry: new BullMQOtel('shop') });
  return exportsQueue;
}
export const mails = new Queue('mails', { connection: { host: '127.0.0.1' } });
`,
      'src/jobs.ts': `import { getExportsQueue, mails } from './queues.js';

export async function enqueue(id: string) {
  await getExportsQueue().add('export', { id });
  await mails.add('mail', { id });
}
`,
    });
    expect(report.sites).toEqual([
      expect.objectContaining({ file: 'src/jobs.ts', line: 4, action: 'skipped', reason: "the library's own telemetry is configured ('telemetry')" }),
      expect.objectContaining({ file: 'src/jobs.ts', line: 5, action: 'instrumented' }),
    ]);
  });

  it('LangSmith tracing turned on in code traces every LangChain call: they are skipped, saying where; turned off, it does not', () => {
    const MODEL_CALL = `import { ChatOpenAI } from '@langchain/openai';\n\nconst model = new ChatOpenAI({ model: 'gpt-4o-mini' });\n\nexport const ask = (text: string) => model.invoke(text);\n`;
    const on = dryRun({ 'src/env.ts': `process.env.LANGSMITH_TRACING = 'true';\n`, 'src/ask.ts': MODEL_CALL });
    expect(on.sites).toEqual([
      expect.objectContaining({ file: 'src/ask.ts', line: 5, action: 'skipped', reason: 'LangSmith tracing (LangChain callbacks) (set up at src/env.ts:1) traces every langchain call; a second span would double it' }),
    ]);
    const off = dryRun({ 'src/env.ts': `process.env['LANGCHAIN_TRACING_V2'] = 'false';\n`, 'src/ask.ts': MODEL_CALL });
    expect(off.sites).toEqual([expect.objectContaining({ file: 'src/ask.ts', line: 5, action: 'instrumented' })]);
  });

  it("a client wrapped by Sentry's instrumentOpenAiClient is traced already", () => {
    const report = dryRun({
      'src/llm.ts': `import * as Sentry from '@sentry/node';
import OpenAI from 'openai';

const openai = Sentry.instrumentOpenAiClient(new OpenAI());

export async function ask(text: string) {
  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
}
`,
    });
    expect(report.sites).toEqual([expect.objectContaining({ line: 7, action: 'skipped', reason: expect.stringContaining("Sentry's instrumentOpenAiClient") })]);
  });
});

it('finds the tracers a project sets up, with the line, and only when they are on', () => {
  const found = findGlobalTracers(
    [
      { path: 'sentry-off.ts', text: `import * as Sentry from '@sentry/node';\nSentry.init({ dsn: process.env.DSN });\n` },
      { path: 'sentry.ts', text: `import * as Sentry from '@sentry/node';\n\nSentry.init({ dsn: process.env.DSN, tracesSampleRate: 0.1 });\n` },
      { path: 'dd.cjs', text: `const tracer = require('dd-trace');\ntracer.init({ llmobs: { mlApp: 'shop' } });\n` },
      { path: 'plain.ts', text: `export const openAIIntegrationDocs = 'see openAIIntegration docs';\n` },
      { path: 'off.ts', text: `// traceloop.initialize() from '@traceloop/node-server-sdk' is off for now\n/* registerInstrumentations({ instrumentations: [new AmqplibInstrumentation()] }) */\n` },
    ],
    (path) => path,
  );
  expect(Object.fromEntries([...found].map(([library, { by, where, effect }]) => [library, `${by} @ ${where} (${effect})`]))).toEqual({
    openai: "Sentry's default AI integrations @ sentry.ts:1 (skip)",
    anthropic: "Sentry's default AI integrations @ sentry.ts:1 (skip)",
    'google-genai': "Sentry's default AI integrations @ sentry.ts:1 (skip)",
    langchain: "Sentry's default AI integrations @ sentry.ts:1 (skip)",
    bedrock: 'Datadog (dd-trace) @ dd.cjs:1 (skip)',
    ai: 'Datadog (dd-trace) @ dd.cjs:1 (skip)',
    amqplib: 'Datadog (dd-trace) @ dd.cjs:1 (note)',
    kafkajs: 'Datadog (dd-trace) @ dd.cjs:1 (note)',
    'aws-sqs': 'Datadog (dd-trace) @ dd.cjs:1 (note)',
    'aws-sns': 'Datadog (dd-trace) @ dd.cjs:1 (note)',
    bullmq: 'Datadog (dd-trace) @ dd.cjs:1 (note)',
  });
});
