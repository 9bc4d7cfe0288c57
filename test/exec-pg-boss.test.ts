import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { join } from 'node:path';
import type { Job, PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetsFor } from '../src/config.js';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { POSTGRES, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/pg-boss/exec-roundtrip.input.js');
type Order = import('../fixtures/pg-boss/exec-roundtrip.input.js').Order;

const available = await serviceAvailable(POSTGRES);
const CONNECTION = `postgres://postgres@${POSTGRES.host}:${POSTGRES.port}/test`;

describe.runIf(available)('pg-boss, rewritten, against PostgreSQL', () => {
  const otel = setupOtel();
  // A schema of this run's own: other people's tests use the same database.
  const schema = `otelify_pgboss_${process.pid}_${Date.now()}`;
  let program: Program;
  let custom: Program;
  let boss: PgBoss;
  const errors: unknown[] = [];

  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'pg-boss/exec-roundtrip.input.ts'));
    custom = await importRewritten<Program>(join(FIXTURES, 'pg-boss/exec-roundtrip.input.ts'), {
      targets: { name: 'trace-ctx', list: targetsFor({ dataCarrierKey: 'traceCtx' }) },
    });
    // pg-boss's own telemetry stays as it is by default (on, not propagating), as users of 12.38 have it.
    boss = program.openBoss({ connectionString: CONNECTION, schema, supervise: false, schedule: false, registerInstance: false });
    boss.on('error', (error) => errors.push(error));
    await boss.start();
  }, 30_000);

  afterAll(async () => {
    if (boss) {
      await boss.getDb().executeSql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, []);
      await boss.stop({ graceful: false });
    }
    await otel.shutdown();
  }, 30_000);

  let queues = 0;
  async function newQueue(name: string): Promise<string> {
    const queue = `${name}-${++queues}`;
    await boss.createQueue(queue);
    return queue;
  }

  // The exporter receives a span when it ends: the exact counts below say every span ended.
  const ours = (kind: SpanKind) => otel.spans().filter((s) => s.kind === kind && s.instrumentationScope.name === 'otelify');
  const consumersDone = (count: number) => waitFor(() => ours(SpanKind.CONSUMER).length === count && ours(SpanKind.CONSUMER), 15_000, `${count} consumer spans`);
  /** The job's data as the table holds it. */
  const stored = async (queue: string, id: string) => (await boss.findJobs<Order & Record<string, unknown>>(queue, { id }))[0]!.data;
  const fast: { pollingIntervalSeconds: number } = { pollingIntervalSeconds: 0.5 };
  /** Polls an asynchronous check (a query) until it returns a value. */
  async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('parents each job span to its send, carries baggage into the handler, and ends every span', async () => {
    otel.reset();
    const queue = await newQueue('orders');
    const seen: ReturnType<typeof observed<string>>[] = [];
    const { root, result } = inRootSpan(async () => [await program.queueOrder(boss, queue, { id: 'o-1' }), await program.queueOrderRequest(boss, queue, { id: 'o-2' })]);
    const ids = await result;
    await program.startWorker(boss, queue, fast, (jobs) => {
      for (const job of jobs) seen.push(observed(job.data.id));
    });

    const producers = ours(SpanKind.PRODUCER);
    expect(producers.map((s) => s.name)).toEqual([`send ${queue}`, `send ${queue}`]);
    expect(producers.every((s) => parentSpanId(s) === root.spanContext().spanId)).toBe(true);
    expect(producers[0]!.attributes).toMatchObject({
      'messaging.system': 'pg-boss',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': queue,
    });
    // The context travels in the job's data, under `_otel`, beside the user's fields.
    const data = await stored(queue, ids[0]!);
    expect(data).toMatchObject({ id: 'o-1', _otel: { traceparent: expect.stringContaining(producers[0]!.spanContext().spanId), baggage: 'tenant.id=acme' } });

    await waitFor(() => seen.length === 2, 15_000, 'two handled jobs');
    expect(seen.map((s) => s.body).sort()).toEqual(['o-1', 'o-2']);
    expect(seen.map((s) => s.traceId)).toEqual([root.spanContext().traceId, root.spanContext().traceId]);
    expect(seen.map((s) => s.tenant)).toEqual(['acme', 'acme']);

    const consumers = await consumersDone(2);
    for (const span of consumers) {
      expect(span.name).toBe(`process ${queue}`);
      expect(span.attributes).toMatchObject({ 'messaging.system': 'pg-boss', 'messaging.operation.type': 'process', 'messaging.destination.name': queue });
      expect(span.attributes['messaging.batch.message_count']).toBeUndefined();
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    const consumerOf = (id: string) => consumers.find((s) => s.attributes['messaging.message.id'] === id)!;
    expect(ids.map((id) => parentSpanId(consumerOf(id!)))).toEqual(producers.map((s) => s.spanContext().spanId));

    // pg-boss 12.38 traces itself too: its send span nests in otelify's, and its process span (a trace of its
    // own, without propagateContext) is linked from otelify's.
    const native = (kind: SpanKind) => otel.spans().filter((s) => s.kind === kind && s.instrumentationScope.name === 'pg-boss');
    expect(native(SpanKind.PRODUCER).map(parentSpanId).sort()).toEqual(producers.map((s) => s.spanContext().spanId).sort());
    // pg-boss ends its process span once it has completed the job, after otelify's.
    const nativeProcess = (await waitFor(() => native(SpanKind.CONSUMER).length === 2 && native(SpanKind.CONSUMER), 10_000, 'pg-boss process spans')).map((s) => s.spanContext().spanId);
    for (const span of consumers) expect(span.links.map((l) => l.context.spanId).filter((id) => nativeProcess.includes(id))).toHaveLength(1);

    await boss.offWork(queue);
  }, 30_000);

  it('gives a batch one span linked to every job of a batch insert', async () => {
    otel.reset();
    const queue = await newQueue('bulk');
    const { root, result } = inRootSpan(() => program.queueOrders(boss, queue, [{ id: 'b-1' }, { id: 'b-2' }, { id: 'b-3' }]));
    const ids = (await result)!;
    expect(ids).toHaveLength(3);
    const [insert, ...others] = ours(SpanKind.PRODUCER);
    expect(others).toEqual([]);
    expect(insert!.name).toBe(`insert ${queue}`);
    expect(insert!.attributes['messaging.operation.name']).toBe('insert');
    expect(parentSpanId(insert!)).toBe(root.spanContext().spanId);
    for (const id of ids) expect((await stored(queue, id))._otel).toMatchObject({ traceparent: expect.stringContaining(insert!.spanContext().spanId) });

    const batches: Job<Order>[][] = [];
    await program.startWorker(boss, queue, { ...fast, batchSize: 3 }, (jobs) => {
      batches.push(jobs);
    });
    const [span, ...more] = await consumersDone(1);
    expect(more).toEqual([]);
    expect(batches.map((jobs) => jobs.length)).toEqual([3]);
    expect(span!.name).toBe(`process ${queue}`);
    expect(span!.attributes['messaging.batch.message_count']).toBe(3);
    const toInsert = span!.links.filter((l) => l.context.spanId === insert!.spanContext().spanId);
    expect(toInsert.map((l) => l.attributes?.['messaging.message.id']).sort()).toEqual([...ids].sort());
    // A batch is no single job's: it is not a child of any send.
    expect(span!.spanContext().traceId).not.toBe(root.spanContext().traceId);
    await boss.offWork(queue);
  }, 30_000);

  it('marks a throwing handler ERROR with its class, and pg-boss still retries and then fails the job', async () => {
    otel.reset();
    class PaymentDeclined extends Error {}
    const queue = await newQueue('failing');
    const { result } = inRootSpan(() => program.queueOrder(boss, queue, { id: 'f-1' }));
    const id = (await result)!;
    let attempts = 0;
    await program.startWorker(boss, queue, fast, () => {
      attempts++;
      throw new PaymentDeclined('card 4242 declined');
    });
    const consumers = await consumersDone(2);
    const [producer, ...others] = ours(SpanKind.PRODUCER);
    expect(others).toEqual([]);
    for (const span of consumers) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'PaymentDeclined' });
      expect(span.attributes['error.type']).toBe('PaymentDeclined');
      expect(span.events.map((e) => e.attributes?.['exception.type'])).toEqual(['PaymentDeclined']);
      // The error's class only, never its message (it may quote user data).
      expect(JSON.stringify([span.name, span.attributes, span.status, span.events])).not.toContain('4242');
      // Each attempt continues the send's trace: the retry keeps the job's data.
      expect(parentSpanId(span)).toBe(producer!.spanContext().spanId);
    }
    await waitFor(() => attempts === 2, 5_000, 'two attempts');
    const failed = await eventually(async () => {
      const [current] = await boss.findJobs(queue, { id });
      return current?.state === 'failed' && current;
    }, 'the job to fail');
    expect(failed.retryCount).toBe(1);
    await boss.offWork(queue);
  }, 30_000);

  it('fans a publish out to every subscribed queue, each job a child of the publish span', async () => {
    otel.reset();
    const [billing, shipping] = [await newQueue('billing'), await newQueue('shipping')];
    const event = `order.created.${process.pid}`;
    await boss.subscribe(event, billing);
    await boss.subscribe(event, shipping);
    const seen: ReturnType<typeof observed<string>>[] = [];
    for (const queue of [billing, shipping]) await program.startWorker(boss, queue, fast, (jobs) => void seen.push(...jobs.map((job) => observed(job.name))));
    const { root, result } = inRootSpan(() => program.announce(boss, event, { id: 'p-1' }));
    await result;
    const [publish, ...others] = ours(SpanKind.PRODUCER);
    expect(others).toEqual([]);
    expect(publish!.name).toBe(`publish ${event}`);
    await waitFor(() => seen.length === 2, 15_000, 'both subscribers');
    expect(seen.map((s) => s.body).sort()).toEqual([billing, shipping].sort());
    expect(seen.every((s) => s.traceId === root.spanContext().traceId && s.tenant === 'acme')).toBe(true);
    const consumers = await consumersDone(2);
    expect(consumers.map(parentSpanId)).toEqual([publish!.spanContext().spanId, publish!.spanContext().spanId]);
    await boss.offWork(billing);
    await boss.offWork(shipping);
  }, 30_000);

  it('uses the key the config names (dataCarrierKey) on both sides', async () => {
    otel.reset();
    const queue = await newQueue('custom-key');
    const seen: ReturnType<typeof observed<string>>[] = [];
    const { root, result } = inRootSpan(() => custom.queueOrder(boss, queue, { id: 'c-1' }));
    const id = (await result)!;
    const data = await stored(queue, id);
    expect(data._otel).toBeUndefined();
    expect(data['traceCtx']).toMatchObject({ traceparent: expect.stringContaining(root.spanContext().traceId) });
    await custom.startWorker(boss, queue, fast, (jobs) => void seen.push(...jobs.map((job) => observed(job.data.id))));
    await waitFor(() => seen.length === 1, 15_000, 'the job');
    expect(seen[0]).toEqual({ body: 'c-1', traceId: root.spanContext().traceId, tenant: 'acme' });
    const [consumer] = await consumersDone(1);
    expect(parentSpanId(consumer!)).toBe(ours(SpanKind.PRODUCER)[0]!.spanContext().spanId);
    await boss.offWork(queue);
  }, 30_000);

  it('sends data that is a class instance as it was, without the context (a copy would lose its toJSON)', async () => {
    otel.reset();
    const queue = await newQueue('instances');
    class Masked {
      constructor(readonly id: string, readonly card: string) {}
      toJSON() {
        return { id: this.id, card: '****' };
      }
    }
    const { result } = inRootSpan(() => program.queueOrder(boss, queue, new Masked('m-1', '4242424242424242')));
    expect(await stored(queue, (await result)!)).toEqual({ id: 'm-1', card: '****' });
    expect(ours(SpanKind.PRODUCER)).toHaveLength(1);
  }, 30_000);

  it('raised no pg-boss error events', () => {
    expect(errors).toEqual([]);
  });
});
