import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Job } from 'bullmq';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { REDIS, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/bullmq/exec-roundtrip.input.js');

const available = await serviceAvailable(REDIS);

interface Seen {
  to: string;
  traceId?: string;
  tenant?: string;
}

describe.runIf(available)('BullMQ, rewritten, against Redis', () => {
  const otel = setupOtel();
  let program: Program;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'bullmq/exec-roundtrip.input.ts'));
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await otel.shutdown();
  });

  function connection() {
    const redis = program.connect();
    closers.push(async () => redis.disconnect());
    return redis;
  }

  function open(suffix: string) {
    const name = `otelify-${suffix}-${process.pid}-${Date.now()}`;
    const redis = program.connect();
    const queue = program.openQueue(name, redis);
    closers.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    });
    return { name, queue };
  }

  function start(name: string, seen: Seen[]) {
    const worker = program.startWorker(name, connection(), (job: Job<{ to: string }>) => {
      seen.push({
        to: job.data.to,
        traceId: trace.getActiveSpan()?.spanContext().traceId,
        tenant: propagation.getBaggage(context.active())?.getEntry('tenant.id')?.value,
      });
    });
    closers.push(() => worker.close());
    return worker;
  }

  /** A root span with a `tenant.id=acme` baggage entry, as a request handler would have. */
  function rootContext(): { root: ReturnType<ReturnType<typeof trace.getTracer>['startSpan']>; ctx: Context } {
    const root = trace.getTracer('test').startSpan('signup');
    const ctx = propagation.setBaggage(trace.setSpan(context.active(), root), propagation.createBaggage({ 'tenant.id': { value: 'acme' } }));
    return { root, ctx };
  }

  const byKind = (kind: SpanKind) => otel.spans().filter((s) => s.kind === kind);
  const consumersDone = (count: number) => waitFor(() => byKind(SpanKind.CONSUMER).length === count && byKind(SpanKind.CONSUMER), 10_000, `${count} consumer spans`);

  it('parents each processor span to its add or addBulk span, carries baggage, and ends every span', async () => {
    otel.reset();
    const { name, queue } = open('ok');
    const seen: Seen[] = [];
    start(name, seen);

    const { root, ctx } = rootContext();
    const job = await context.with(ctx, () => program.queueEmail(queue, { to: 'a@example.com' }));
    const bulk = await context.with(ctx, () => program.queueEmails(queue, [{ to: 'b@example.com' }, { to: 'c@example.com' }]));
    root.end();

    const producers = byKind(SpanKind.PRODUCER);
    expect(producers.map((s) => s.name)).toEqual([`publish ${name}`, `publish ${name}`]);
    expect(producers.every((s) => parentSpanId(s) === root.spanContext().spanId)).toBe(true);
    expect(producers[0]!.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.operation.name': 'publish',
      'messaging.operation.type': 'send',
      'messaging.destination.name': name,
    });
    const [addSpan, bulkSpan] = producers as [ReadableSpan, ReadableSpan];
    // What travels in Redis is BullMQ's own telemetry carrier, on every job of the bulk too.
    const carried = (j: Job) => JSON.parse(j.opts.telemetry?.metadata ?? '{}') as Record<string, string>;
    expect(carried(job)).toMatchObject({ traceparent: expect.stringContaining(addSpan.spanContext().spanId), baggage: 'tenant.id=acme' });
    expect(bulk).toHaveLength(2);
    for (const j of bulk) expect(carried(j)).toMatchObject({ traceparent: expect.stringContaining(bulkSpan.spanContext().spanId), baggage: 'tenant.id=acme' });

    await waitFor(() => seen.length === 3, 10_000, 'three processed jobs');
    expect(seen.map((s) => s.traceId)).toEqual(Array(3).fill(root.spanContext().traceId));
    expect(seen.map((s) => s.tenant)).toEqual(['acme', 'acme', 'acme']);

    const consumers = await consumersDone(3);
    for (const span of consumers) {
      expect(span.name).toBe(`process ${name}`);
      expect(span.attributes).toMatchObject({
        'messaging.system': 'bullmq',
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.destination.name': name,
      });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    const parentOf = (id: string | undefined) => parentSpanId(consumers.find((s) => s.attributes['messaging.message.id'] === id)!);
    expect(parentOf(job.id)).toBe(addSpan.spanContext().spanId);
    expect(bulk.map((j) => parentOf(j.id))).toEqual([bulkSpan.spanContext().spanId, bulkSpan.spanContext().spanId]);
    expect(otel.spans().every((s) => s.ended)).toBe(true);
    expect(otel.spans()).toHaveLength(6); // the root, two sends, three jobs
  });

  it('carries the context to every job of a flow, grandchildren included', async () => {
    otel.reset();
    const { name } = open('flow');
    const flows = program.openFlows(connection());
    closers.push(() => flows.close());
    const seen: Seen[] = [];
    start(name, seen);

    const { root, ctx } = rootContext();
    const tree = await context.with(ctx, () => program.queueSignupFlow(flows, name, 'd@example.com'));
    root.end();
    const [producer, ...otherProducers] = byKind(SpanKind.PRODUCER);
    expect(otherProducers).toEqual([]);
    expect(producer!.name).toBe(`publish ${name}`);
    expect(parentSpanId(producer!)).toBe(root.spanContext().spanId);
    expect(tree.children?.[0]?.children?.[0]?.job.opts.telemetry?.metadata).toContain(producer!.spanContext().spanId);

    // Children run first: the address check, the verification, then the welcome email.
    await waitFor(() => seen.length === 3, 10_000, 'the three jobs of the flow');
    expect(seen.map((s) => s.to)).toEqual(['check:d@example.com', 'verify:d@example.com', 'd@example.com']);
    expect(seen.map((s) => s.traceId)).toEqual(Array(3).fill(root.spanContext().traceId));
    expect(seen.map((s) => s.tenant)).toEqual(['acme', 'acme', 'acme']);
    const consumers = await consumersDone(3);
    expect(consumers.map(parentSpanId)).toEqual(Array(3).fill(producer!.spanContext().spanId));
    expect(otel.spans().every((s) => s.ended)).toBe(true);
  });

  it('marks the processor span ERROR when it throws, and BullMQ still fails the job', async () => {
    otel.reset();
    const { name, queue } = open('err');
    const failed: string[] = [];
    const worker = program.startWorker(name, connection(), () => {
      throw new TypeError('expected by test');
    });
    worker.on('failed', (job, error) => failed.push(`${job?.id}:${error.message}`));
    closers.push(() => worker.close());
    const job = await program.queueEmail(queue, { to: 'x@example.com' });
    await waitFor(() => failed.length === 1, 10_000, 'the failed event');
    expect(failed).toEqual([`${job.id}:expected by test`]);
    expect(await queue.getJobState(job.id!)).toBe('failed');
    const [span] = await consumersDone(1);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('TypeError');
    expect(span!.events.map((e) => e.name)).toContain('exception');
    expect(otel.spans().every((s) => s.ended)).toBe(true);
  });

  it('keeps the abort signal of a processor that declares it, so worker.cancelJob still works', async () => {
    otel.reset();
    const { name, queue } = open('cancel');
    let signal: AbortSignal | undefined;
    const failed: string[] = [];
    const worker = program.startCancellableWorker(name, connection(), (_job, received) => {
      signal = received;
      return new Promise<void>((_resolve, reject) => received?.addEventListener('abort', () => reject(new Error('cancelled'))));
    });
    worker.on('failed', (job, error) => failed.push(`${job?.id}:${error.message}`));
    closers.push(() => worker.close());
    const job = await program.queueEmail(queue, { to: 'y@example.com' });
    await waitFor(() => signal, 10_000, 'the processor to start');
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(worker.cancelJob(job.id!)).toBe(true);
    await waitFor(() => failed.length === 1, 10_000, 'the failed event');
    expect(failed).toEqual([`${job.id}:cancelled`]);
    const [span] = await consumersDone(1);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(otel.spans().every((s) => s.ended)).toBe(true);
  });

  it("respects a job's telemetry.omitContext: no context travels, the processor starts its own trace", async () => {
    otel.reset();
    const { name, queue } = open('omit');
    const seen: Seen[] = [];
    start(name, seen);
    const { root, ctx } = rootContext();
    const job = await context.with(ctx, () => program.queueEmail(queue, { to: 'z@example.com' }, { telemetry: { omitContext: true } }));
    root.end();
    expect(job.opts.telemetry?.metadata).toBeUndefined();
    await waitFor(() => seen.length === 1, 10_000, 'the processed job');
    expect(seen[0]!.traceId).toBeDefined();
    expect(seen[0]!.traceId).not.toBe(root.spanContext().traceId);
    expect(seen[0]!.tenant).toBeUndefined();
    const [span] = await consumersDone(1);
    expect(parentSpanId(span!)).toBeUndefined();
    expect(otel.spans().every((s) => s.ended)).toBe(true);
  });
});
