import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Job } from 'bullmq';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { REDIS, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/bullmq/exec-roundtrip.input.js');

const available = await serviceAvailable(REDIS);

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

  function workerConnection() {
    const connection = program.connect();
    closers.push(async () => connection.disconnect());
    return connection;
  }

  function open(suffix: string) {
    const name = `otelify-${suffix}-${process.pid}-${Date.now()}`;
    const connection = program.connect();
    const queue = program.openQueue(name, connection);
    closers.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    });
    return { name, queue };
  }

  it('parents the processor span to the add span, carries baggage, and ends every span', async () => {
    otel.reset();
    const { name, queue } = open('ok');
    const seen: { to: string; traceId?: string; tenant?: string }[] = [];
    const worker = program.startWorker(name, workerConnection(), (job: Job<{ to: string }>) => {
      seen.push({
        to: job.data.to,
        traceId: trace.getActiveSpan()?.spanContext().traceId,
        tenant: propagation.getBaggage(context.active())?.getEntry('tenant.id')?.value,
      });
    });
    closers.push(() => worker.close());

    const root = trace.getTracer('test').startSpan('signup');
    const ctx = propagation.setBaggage(trace.setSpan(context.active(), root), propagation.createBaggage({ 'tenant.id': { value: 'acme' } }));
    const job = await context.with(ctx, () => program.queueEmail(queue, { to: 'a@example.com' }));
    await context.with(ctx, () => program.queueEmails(queue, [{ to: 'b@example.com' }, { to: 'c@example.com' }]));
    root.end();
    // What travels in Redis is BullMQ's own telemetry carrier.
    expect(JSON.parse(job.opts.telemetry?.metadata ?? '{}')).toMatchObject({ traceparent: expect.stringContaining(root.spanContext().traceId), baggage: 'tenant.id=acme' });

    await waitFor(() => seen.length === 3, 10_000, 'three processed jobs');
    expect(seen.map((s) => s.traceId)).toEqual(Array(3).fill(root.spanContext().traceId));
    expect(seen.map((s) => s.tenant)).toEqual(['acme', 'acme', 'acme']);

    const consumers = await waitFor(() => {
      const done = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
      return done.length === 3 && done;
    });
    const producers = otel.spans().filter((s) => s.kind === SpanKind.PRODUCER);
    expect(producers.map((s) => s.name)).toEqual([`publish ${name}`, `publish ${name}`]);
    expect(producers.every((s) => parentSpanId(s) === root.spanContext().spanId)).toBe(true);
    for (const span of consumers) {
      expect(span.name).toBe(`process ${name}`);
      expect(span.attributes).toMatchObject({ 'messaging.system': 'bullmq', 'messaging.operation.type': 'process', 'messaging.destination.name': name });
      expect(producers.map((p) => p.spanContext().spanId)).toContain(parentSpanId(span));
    }
    expect(consumers.find((s) => s.attributes['messaging.message.id'] === job.id)).toBeDefined();
    expect(otel.spans().every((s) => s.ended)).toBe(true);
  });

  it('marks the processor span ERROR when it throws, and BullMQ still fails the job', async () => {
    otel.reset();
    const { name, queue } = open('err');
    const failed: string[] = [];
    const worker = program.startWorker(name, workerConnection(), () => {
      throw new TypeError('expected by test');
    });
    worker.on('failed', (job, error) => failed.push(`${job?.id}:${error.message}`));
    closers.push(() => worker.close());
    const job = await program.queueEmail(queue, { to: 'x@example.com' });
    await waitFor(() => failed.length === 1, 10_000, 'the failed event');
    expect(failed).toEqual([`${job.id}:expected by test`]);
    const [span] = await waitFor(() => {
      const done = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
      return done.length === 1 && done;
    });
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('TypeError');
  });
});
