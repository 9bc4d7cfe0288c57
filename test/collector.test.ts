import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { exceptionAttributeNames, llmAttributeNames, MESSAGING_ATTRIBUTE_NAMES, traceBatch, traceLLM, traceProcess, traceSend } from '@otelify/runtime';
import '@otelify/runtime/openai';
import { globSync } from 'tinyglobby';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findWrittenKeys } from '../src/check/find.js';
import { classifyKey } from '../src/check/pii.js';
import { personalKeyPatterns } from '../src/production/redaction-patterns.js';
import { makeProject } from './support/project.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/bin.js');

const PUBLISHER = `import type { Channel } from 'amqplib';

export function requestInvoice(channel: Channel, orderId: string) {
  return channel.sendToQueue('invoices', Buffer.from(orderId));
}
`;
const ASSISTANT = `import OpenAI from 'openai';

const openai = new OpenAI();

export function draft(ticket: string) {
  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ticket }] });
}
`;
// The project's own telemetry: literal keys, a constant, a semconv constant, a typed spread, an event, and a
// key known only at run time. An element's setAttribute is not telemetry.
const TELEMETRY = `import { trace } from '@opentelemetry/api';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';

const tracer = trace.getTracer('shop');
const TOTAL = 'order.total';
interface Common { 'tenant.id': string; 'deployment.ring': number }

export function checkout(orderId: string, total: number, email: string, region: string, common: Common) {
  return tracer.startActiveSpan('checkout', { attributes: { 'order.id': orderId, [ATTR_HTTP_ROUTE]: '/checkout' } }, (span) => {
    span.setAttribute(TOTAL, total);
    span.setAttributes({ 'customer.email': email, 'cart.items': 3, ...common });
    span.addEvent('stock.reserved', { 'stock.warehouse': 'w1' });
    span.setAttribute(\`region.\${region}\`, true);
    span.end();
  });
}

class Element {
  setAttribute(_name: string, _value: string) {}
}
new Element().setAttribute('data-not-telemetry', 'x');
`;

const PROJECT_KEYS = ['cart.items', 'customer.email', 'deployment.ring', 'http.route', 'order.id', 'order.total', 'stock.warehouse', 'tenant.id'];
const QUEUE_KEYS = [
  'error.type',
  'exception.type',
  'messaging.batch.message_count',
  'messaging.destination.anonymous',
  'messaging.destination.name',
  'messaging.destination.template',
  'messaging.destination.temporary',
  'messaging.message.id',
  'messaging.operation.name',
  'messaging.operation.type',
  'messaging.system',
];
const LLM_KEYS = [
  'error.type',
  'exception.type',
  'http.response.status_code',
  'llm.cache_hit',
  'llm.cost_usd',
  'llm.cost_usd_micros',
  'llm.error_type',
  'llm.finish_reason',
  'llm.max_tokens',
  'llm.model',
  'llm.prompt_tokens',
  'llm.provider',
  'llm.response_tokens',
  'llm.temperature',
  'llm.total_tokens',
  'server.address',
  'server.port',
];

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function project(files: Record<string, string>): string {
  const dir = makeProject('otelify-collector-', { 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022' } }), ...files });
  dirs.push(dir);
  return dir;
}

function otelify(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Config {
  receivers: Record<string, any>;
  processors: Record<string, any>;
  exporters: Record<string, any>;
  service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
}

function config(dir: string, ...args: string[]): Config {
  const run = otelify(dir, 'collector', 'src', '--dry', ...args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return parse(run.stdout, { intAsBigInt: true }) as Config;
}

/** Every component a pipeline names is defined in its section, and every defined one is used. */
function expectConsistent(parsed: Config): void {
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  for (const pipeline of Object.values(parsed.service.pipelines)) {
    for (const section of ['receivers', 'processors', 'exporters'] as const) {
      expect(pipeline[section].length, section).toBeGreaterThan(0);
      for (const name of pipeline[section]) {
        expect(Object.keys(parsed[section]), `${section} ${name}`).toContain(name);
        used[section].add(name);
      }
    }
  }
  for (const section of ['receivers', 'processors', 'exporters'] as const) expect(new Set(Object.keys(parsed[section]))).toEqual(used[section]);
}

/** A pattern of `blocked_key_patterns` as JavaScript reads it: RE2's leading `(?i)` is the `i` flag. */
function regex(pattern: string): RegExp {
  expect(pattern.slice(4)).not.toMatch(/\(\?[a-z-]+[:)]/);
  expect(pattern).not.toMatch(/\(\?<?[=!]|\\[1-9]/);
  return pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), 'i') : new RegExp(pattern);
}

const masks = (patterns: string[]) => {
  const compiled = patterns.map(regex);
  return (key: string) => compiled.some((r) => r.test(key));
};

describe('otelify collector', () => {
  let dir: string;
  let single: Config;
  beforeAll(() => {
    dir = makeProject('otelify-collector-', {
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022' } }),
      'src/orders.ts': PUBLISHER,
      'src/assistant.ts': ASSISTANT,
      'src/telemetry.ts': TELEMETRY,
    });
    single = config(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes OTLP in, memory_limiter, redaction, tail_sampling and batch, OTLP out, all wired into the traces pipeline', () => {
    expectConsistent(single);
    expect(single.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
    expect(single.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'redaction', 'tail_sampling', 'batch'], exporters: ['otlp_grpc'] });
    expect(single.processors.memory_limiter).toMatchObject({ check_interval: '1s', limit_percentage: 80n });
    expect(single.exporters.otlp_grpc).toEqual({ endpoint: '${env:BACKEND_OTLP_ENDPOINT}' });
  });

  it("allows exactly the keys the rewritten code's runtime and the project's own telemetry write", () => {
    const { redaction } = single.processors;
    expect(redaction.allow_all_keys).toBe(true);
    expect(redaction.allowed_keys).toEqual([...new Set([...QUEUE_KEYS, ...LLM_KEYS, ...PROJECT_KEYS])].sort());
    expect(redaction.allowed_keys).not.toContain('data-not-telemetry');
    // The key written from a template is named in the header, not allowed.
    const run = otelify(dir, 'collector', 'src', '--dry');
    expect(run.stdout).toMatch(/# {3}src\/telemetry\.ts:13 region\.\*/);
  });

  it('allows the runtime keys of the kinds of call sites found only: a queue-only project has no LLM keys and no cost policy', () => {
    const queues = project({ 'src/orders.ts': PUBLISHER });
    const parsed = config(queues);
    expect(parsed.processors.redaction.allowed_keys).toEqual(QUEUE_KEYS);
    expect(parsed.processors.tail_sampling.policies.map((p: { name: string }) => p.name)).toEqual(['errors', 'slow', 'baseline']);
  });

  it('finds call sites rewritten already, and keys the project writes in plain JavaScript', () => {
    const rewritten = project({ 'src/orders.ts': PUBLISHER });
    expect(otelify(rewritten, 'apply', 'src', '--force').code).toBe(0);
    expect(readFileSync(join(rewritten, 'src/orders.ts'), 'utf8')).toContain('otelify.traceSend');
    writeFileSync(join(rewritten, 'src/own.js'), "import { trace } from '@opentelemetry/api';\ntrace.getActiveSpan()?.setAttribute('invoice.pages', 2);\n");
    expect(config(rewritten).processors.redaction.allowed_keys).toEqual([...QUEUE_KEYS, 'invoice.pages'].sort());
  });

  it('fails closed with --redaction allowlist, keeping the resource keys the SDK sets', () => {
    const parsed = config(dir, '--redaction', 'allowlist');
    expect(parsed.processors.redaction.allow_all_keys).toBe(false);
    expect(parsed.processors.redaction.allowed_keys).toEqual(single.processors.redaction.allowed_keys);
    expect(parsed.processors.redaction.ignored_keys).toContain('service.name');
  });

  it("masks the check's personal keys and passes the safe ones", () => {
    const masked = masks(single.processors.redaction.blocked_key_patterns);
    for (const key of ['user.email', 'customer.email', 'customerEmail', 'primaryEmail', 'order.backupPhone', 'billing_address', 'user.first_name', 'http.request.header.x-api-key', 'client.address', 'gen_ai.input.messages', 'lab.genetic_marker', 'EMAIL']) {
      expect(masked(key), key).toBe(true);
    }
    for (const key of ['messaging.destination.name', 'server.address', 'db.query.text', 'exception.message', 'service.name', 'user.id', 'user.email.hash', 'llm.prompt_tokens', 'llm.cost_usd', 'http.request.header.content-type', 'host.ip']) {
      expect(masked(key), key).toBe(false);
    }
  });

  it("masks every key the check calls personal in the labeled corpora, and few others", () => {
    const files = globSync(['fixtures/pii/**/*.{ts,tsx,js,mjs}', 'corpus/pii-flow/**/*.{ts,tsx,js,mjs}', 'corpus/pii-holdout/**/*.{ts,tsx,js,mjs}'], { cwd: ROOT, absolute: true });
    const { keys } = findWrittenKeys(files.map((path) => ({ path, text: readFileSync(path, 'utf8') })), { compilerOptions: { allowJs: true, strict: true, skipLibCheck: true } });
    expect(keys.size).toBeGreaterThan(500);
    const masked = masks(personalKeyPatterns().map((p) => p.pattern));
    const personal = [...keys].filter((key) => classifyKey(key));
    expect(personal.length).toBeGreaterThan(100);
    expect(personal.filter((key) => !masked(key))).toEqual([]);
    // Masked though the check lets them pass: flags named after what they flag, and a browser's name.
    expect([...keys].filter((key) => !classifyKey(key) && masked(key)).sort()).toEqual(['confirm.has_token', 'crm.contact.has_phone', 'signup.has_phone', 'unsubscribe.has_comment', 'user_agent.name']);
  }, 120_000);

  it("carries the config's check.deny and check.patterns over, and check.allow into ignored_keys", () => {
    const configured = project({ 'src/orders.ts': PUBLISHER, 'otelify.config.json': JSON.stringify({ check: { allow: ['user.name'], deny: ['loyalty.*'], patterns: ['card_alias$', '(?<=x)y'] } }) });
    const run = otelify(configured, 'collector', 'src', '--dry');
    const parsed = parse(run.stdout) as Config;
    const masked = masks(parsed.processors.redaction.blocked_key_patterns);
    expect(masked('loyalty.tier')).toBe(true);
    expect(masked('member.card_alias')).toBe(true);
    expect(parsed.processors.redaction.ignored_keys).toContain('user.name');
    expect(run.stdout).toContain('Not carried over (RE2 has no lookaround or back-references): (?<=x)y');
  });

  it('keeps errors, slow traces, costly LLM calls (an OTTL condition on the convention\'s cost) and a baseline', () => {
    const sampling = single.processors.tail_sampling;
    expect(sampling.decision_wait).toBe('10s');
    expect(sampling.policies).toEqual([
      { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
      { name: 'slow', type: 'latency', latency: { threshold_ms: 2000n } },
      { name: 'expensive-llm-calls', type: 'ottl_condition', ottl_condition: { error_mode: 'ignore', span: ['attributes["llm.cost_usd"] > 0.1'] } },
      { name: 'baseline', type: 'probabilistic', probabilistic: { sampling_percentage: 10n } },
    ]);
  });

  it('writes the cost condition of the convention: the flag, or the config', () => {
    const span = (parsed: Config) => parsed.processors.tail_sampling.policies.find((p: { name: string }) => p.name === 'expensive-llm-calls').ottl_condition.span;
    expect(span(config(dir, '--convention', 'genai'))).toEqual(['attributes["gen_ai.usage.cost.amount"] > 0.1']);
    expect(span(config(dir, '--convention', 'both'))).toEqual(['attributes["llm.cost_usd"] > 0.1', 'attributes["gen_ai.usage.cost.amount"] > 0.1']);
    const genai = project({ 'src/assistant.ts': ASSISTANT, 'otelify.config.json': JSON.stringify({ convention: 'genai' }) });
    const parsed = config(genai);
    expect(span(parsed)).toEqual(['attributes["gen_ai.usage.cost.amount"] > 0.1']);
    expect(parsed.processors.redaction.allowed_keys).toContain('gen_ai.usage.cost.amount_micros');
    expect(parsed.processors.redaction.allowed_keys.filter((k: string) => k.startsWith('llm.'))).toEqual([]);
  });

  it('options change the thresholds; --cost-policy numeric bounds the micro-dollar cost on both sides', () => {
    const parsed = config(dir, '--latency-ms', '750', '--cost-usd', '0.25', '--baseline-percent', '2.5', '--decision-wait', '30s', '--cost-policy', 'numeric');
    const sampling = parsed.processors.tail_sampling;
    expect(sampling.decision_wait).toBe('30s');
    expect(sampling.policies).toEqual([
      { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
      { name: 'slow', type: 'latency', latency: { threshold_ms: 750n } },
      { name: 'expensive-llm-calls', type: 'numeric_attribute', numeric_attribute: { key: 'llm.cost_usd_micros', min_value: 250001n, max_value: 9223372036854775807n } },
      { name: 'baseline', type: 'probabilistic', probabilistic: { sampling_percentage: 2.5 } },
    ]);
    const both = config(dir, '--cost-policy', 'numeric', '--convention', 'both').processors.tail_sampling.policies;
    expect(both.filter((p: { type: string }) => p.type === 'numeric_attribute').map((p: { numeric_attribute: { key: string } }) => p.numeric_attribute.key)).toEqual(['llm.cost_usd_micros', 'gen_ai.usage.cost.amount_micros']);
    expect(otelify(dir, 'collector', 'src', '--dry', '--baseline-percent', '120').code).toBe(2);
    expect(otelify(dir, 'collector', 'src', '--dry', '--decision-wait', 'soon').code).toBe(2);
  });

  it('exports to --endpoint, with --insecure and headers read from the environment', () => {
    const parsed = config(dir, '--endpoint', 'tempo.internal:4317', '--insecure', '--header', 'x-scope-orgid=TEMPO_TENANT');
    expect(parsed.exporters.otlp_grpc).toEqual({ endpoint: 'tempo.internal:4317', tls: { insecure: true }, headers: { 'x-scope-orgid': '${env:TEMPO_TENANT}' } });
  });

  it('--tier writes a load-balancing tier that routes by trace id to the samplers, and the sampling tier; each file stands alone', () => {
    const run = otelify(dir, 'collector', 'src', '--tier', '--samplers', 'sampler-0:4317,sampler-1:4317', '--out', 'deploy/collector.yaml');
    expect(run.code).toBe(0);
    const front = parse(readFileSync(join(dir, 'deploy/collector-loadbalancer.yaml'), 'utf8')) as Config;
    const back = parse(readFileSync(join(dir, 'deploy/collector-sampler.yaml'), 'utf8')) as Config;
    expectConsistent(front);
    expectConsistent(back);
    expect(front.exporters.loadbalancing).toEqual({ routing_key: 'traceID', protocol: { otlp: { timeout: '1s' } }, resolver: { static: { hostnames: ['sampler-0:4317', 'sampler-1:4317'] } } });
    expect(front.service.pipelines.traces?.processors).toEqual(['memory_limiter', 'redaction']);
    expect(front.processors.tail_sampling).toBeUndefined();
    expect(back.service.pipelines.traces?.processors).toEqual(['memory_limiter', 'tail_sampling', 'batch']);
    expect(back.processors.tail_sampling.policies).toEqual(single.processors.tail_sampling.policies.map(plain));
    const dns = otelify(dir, 'collector', 'src', '--tier', '--dry', '--sampler-dns', 'otel-sampler-headless.observability.svc');
    const [frontDns] = dns.stdout.split(/^# --- .*$/m).filter((part) => part.trim());
    expect((parse(frontDns!) as Config).exporters.loadbalancing.resolver).toEqual({ dns: { hostname: 'otel-sampler-headless.observability.svc', port: 4317 } });
  });

  it('writes the same bytes on every run, to otel-collector.yaml by default', () => {
    expect(otelify(dir, 'collector', 'src').code).toBe(0);
    const first = readFileSync(join(dir, 'otel-collector.yaml'), 'utf8');
    expect(otelify(dir, 'collector', 'src').code).toBe(0);
    expect(readFileSync(join(dir, 'otel-collector.yaml'), 'utf8')).toBe(first);
    expect(otelify(dir, 'collector', 'src', '--dry').stdout).toBe(first);
  });
});

/** The same value with the bigints `intAsBigInt` made back to numbers. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}

// The real SDK, registered before the runtime's first span: an in-memory exporter for the keys, and the OTLP
// exporter to a loopback server for what goes on the wire.
const memory = new InMemorySpanExporter();
const bodies: any[] = [];
let server: Server;
let provider: BasicTracerProvider;
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(body));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` });
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  await new Promise<void>((done) => server.close(() => done()));
});

describe('the keys the runtime says it writes', () => {
  it('are exactly the keys of producer, consumer and batch spans, and their exception events', async () => {
    memory.reset();
    traceSend({ system: 'rabbitmq', operation: 'publish', destination: 'amq.gen-1', destinationTemplate: 'orders-{id}', batch: 2 }, () => undefined);
    expect(() => traceProcess({ system: 'kafka', destination: 'orders', headers: 'headers', id: 'id' }, (_message: unknown) => { throw new TypeError('x'); })({ headers: {}, id: 'm-1' })).toThrow(TypeError);
    traceBatch({ system: 'kafka', destination: 'orders', headers: 'headers', messages: 'messages' }, (_batch: unknown) => undefined)({ messages: [{ headers: {} }] });
    const spans = memory.getFinishedSpans();
    expect(spans).toHaveLength(3);
    const written = new Set(spans.flatMap((span) => [...Object.keys(span.attributes), ...span.events.flatMap((e) => Object.keys(e.attributes ?? {}))]));
    expect([...written].sort()).toEqual([...MESSAGING_ATTRIBUTE_NAMES, ...exceptionAttributeNames(false)].sort());
  });

  it('cover every key of an LLM span in each convention, the micro-dollar cost an integer', async () => {
    for (const convention of ['llm', 'genai', 'both'] as const) {
      memory.reset();
      const response = { id: 'c-1', model: 'gpt-4o-2024-08-06', choices: [{ index: 0, finish_reason: 'stop' }], usage: { prompt_tokens: 1200, completion_tokens: 800, prompt_tokens_details: { cached_tokens: 200 } } };
      await traceLLM({ provider: 'openai', operation: 'chat', api: 'openai.chat', model: 'gpt-4o', server: 'api.openai.com', port: 443, params: { temperature: 0, max_tokens: 64, top_p: 1, seed: 7, n: 2 }, convention }, () => Promise.resolve(response));
      const failure = Object.assign(new Error('rate limited'), { status: 429 });
      await expect(traceLLM({ provider: 'openai', operation: 'chat', api: 'openai.chat', model: 'gpt-4o', convention }, () => Promise.reject(failure))).rejects.toBe(failure);
      await new Promise((done) => setTimeout(done, 10));
      const [ok, failed] = memory.getFinishedSpans();
      expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
      const written = new Set([...Object.keys(ok!.attributes), ...Object.keys(failed!.attributes), ...failed!.events.flatMap((e) => Object.keys(e.attributes ?? {}))]);
      const listed = new Set([...llmAttributeNames(convention), ...exceptionAttributeNames(false)]);
      expect([...written].filter((key) => !listed.has(key))).toEqual([]);
      const micros = convention === 'genai' ? 'gen_ai.usage.cost.amount_micros' : 'llm.cost_usd_micros';
      const dollars = ok!.attributes[convention === 'genai' ? 'gen_ai.usage.cost.amount' : 'llm.cost_usd'] as number;
      expect(dollars % 1).not.toBe(0);
      expect(ok!.attributes[micros]).toBe(Math.round(dollars * 1e6));
    }
  });

  it('the OTLP exporter sends llm.cost_usd_micros as an integer, which numeric_attribute reads, and llm.cost_usd as a double', async () => {
    bodies.length = 0;
    const response = { model: 'gpt-4o', choices: [{ index: 0, finish_reason: 'stop' }], usage: { prompt_tokens: 1234, completion_tokens: 567 } };
    await traceLLM({ provider: 'openai', operation: 'chat', api: 'openai.chat', model: 'gpt-4o' }, () => Promise.resolve(response));
    await provider.forceFlush();
    const attributes: { key: string; value: Record<string, unknown> }[] = bodies.flatMap((b) => b.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans.flatMap((span: any) => span.attributes))));
    const value = (key: string) => attributes.find((a) => a.key === key)?.value;
    expect(Object.keys(value('llm.cost_usd_micros')!)).toEqual(['intValue']);
    expect(Object.keys(value('llm.cost_usd')!)).toEqual(['doubleValue']);
    expect(Number(value('llm.cost_usd_micros')!.intValue)).toBe(Math.round((value('llm.cost_usd')!.doubleValue as number) * 1e6));
  });
});
