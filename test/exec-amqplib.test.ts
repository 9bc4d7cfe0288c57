import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURES } from './support/fixtures.js';
import { parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { expectNoContent, PROMPT_SENTINEL } from './support/sentinel.js';
import { RABBITMQ, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/amqplib/exec-roundtrip.input.js');

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const available = await serviceAvailable(RABBITMQ);

describe.runIf(available)('amqplib, rewritten, against RabbitMQ', () => {
  const otel = setupOtel();
  let program: Program;
  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'amqplib/exec-roundtrip.input.ts'));
  });
  afterAll(() => otel.shutdown());

  it('continues the producer trace in the consumer, with baggage, and ends every span', async () => {
    const queue = `otelify-test-${process.pid}-${Date.now()}`;
    const seen: { body: string; traceId?: string; tenant?: string }[] = [];
    const consumer = await program.startOrderConsumer(URL, queue, ({ body }) => {
      seen.push({
        body,
        traceId: trace.getActiveSpan()?.spanContext().traceId,
        tenant: propagation.getBaggage(context.active())?.getEntry('tenant.id')?.value,
      });
    });
    try {
      const root = trace.getTracer('test').startSpan('checkout');
      const baggage = propagation.createBaggage({ 'tenant.id': { value: 'acme' } });
      const ctx = propagation.setBaggage(trace.setSpan(context.active(), root), baggage);
      await context.with(ctx, () => program.publishOrders(URL, queue, ['a', 'b']));
      root.end();
      await waitFor(() => seen.length === 2, 5000, 'two deliveries');
      const traceId = root.spanContext().traceId;
      expect(seen.map((s) => s.traceId)).toEqual([traceId, traceId]);
      expect(seen.map((s) => s.tenant)).toEqual(['acme', 'acme']);

      const spans = otel.spans();
      const producers = spans.filter((s) => s.kind === SpanKind.PRODUCER);
      const consumers = await waitFor(() => {
        const done = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
        return done.length === 2 && done;
      });
      expect(producers.map((s) => s.name)).toEqual([`publish ${queue}`, `publish ${queue}`]);
      expect(producers.every((p) => parentSpanId(p) === root.spanContext().spanId)).toBe(true);
      expect(producers[0]!.attributes).toMatchObject({
        'messaging.system': 'rabbitmq',
        'messaging.operation.name': 'publish',
        'messaging.operation.type': 'send',
        'messaging.destination.name': queue,
      });
      expect(consumers.map((s) => s.name)).toEqual([`process ${queue}`, `process ${queue}`]);
      for (const [i, consumerSpan] of consumers.entries()) {
        expect(consumerSpan.spanContext().traceId).toBe(traceId);
        expect(parentSpanId(consumerSpan)).toBe(producers[i]!.spanContext().spanId);
        expect(consumerSpan.attributes['messaging.message.id']).toBe(`id-${['a', 'b'][i]}`);
        expect(consumerSpan.status.code).toBe(SpanStatusCode.UNSET);
      }
    } finally {
      await consumer.close();
    }
  });

  it('marks the consumer span as ERROR when the handler rejects, and still ends it; the error message never reaches the span', async () => {
    otel.reset();
    const queue = `otelify-test-err-${process.pid}-${Date.now()}`;
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on('unhandledRejection', onRejection);
    const consumer = await program.startOrderConsumer(URL, queue, () => {
      throw new RangeError(`User ${PROMPT_SENTINEL} not found`);
    });
    try {
      await program.publishOrders(URL, queue, ['poison']);
      const [span] = await waitFor(() => {
        const done = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
        return done.length === 1 && done;
      });
      expect(span!.status.code).toBe(SpanStatusCode.ERROR);
      expect(span!.attributes['error.type']).toBe('RangeError');
      expect(span!.events.map((e) => e.attributes)).toEqual([{ 'exception.type': 'RangeError' }]);
      expectNoContent([span!], [PROMPT_SENTINEL]);
      await waitFor(() => failures.length === 1, 2000, 'the rejection to reach the application');
    } finally {
      process.off('unhandledRejection', onRejection);
      await consumer.close();
    }
  });

  it('never names a span after a broker-named reply queue or a per-call queue name', async () => {
    otel.reset();
    const rpcQueue = `otelify-rpc-${process.pid}-${Date.now()}`;
    const { answer, replyTo, scratch } = await program.askForQuote(URL, rpcQueue, `otelify-scratch-${process.pid}`);
    expect(answer).toBe('42');
    expect(replyTo).toMatch(/^amq\.gen-/);
    const producers = await waitFor(() => {
      const done = otel.spans().filter((s) => s.kind === SpanKind.PRODUCER);
      return done.length === 3 && done;
    });
    const byDestination = new Map(producers.map((s) => [s.attributes['messaging.destination.name'], s]));
    // The reply, sent to the requester's broker-named queue: temporary and anonymous, named by its operation only.
    expect(byDestination.get(replyTo)!.name).toBe('publish');
    expect(byDestination.get(replyTo)!.attributes).toMatchObject({ 'messaging.destination.temporary': true, 'messaging.destination.anonymous': true });
    // The per-call scratch queue: named by its template.
    expect(byDestination.get(scratch)!.name).toBe('publish {scratchPrefix}-{Date.now()}');
    expect(byDestination.get(scratch)!.attributes['messaging.destination.template']).toBe('{scratchPrefix}-{Date.now()}');
    expect(byDestination.get(rpcQueue)!.name).toBe(`publish ${rpcQueue}`);
    const consumers = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
    expect(consumers.map((s) => s.name)).not.toContain(`process ${replyTo}`);
  });

  it("continues the app's own PRODUCER span in the consumer, without a second producer span", async () => {
    const queue = `otelify-own-span-${process.pid}-${Date.now()}`;
    const parents: (string | undefined)[] = [];
    const consumer = await program.startOrderConsumer(URL, queue, () => {
      parents.push(trace.getActiveSpan()?.spanContext().traceId);
    });
    try {
      const before = otel.spans().length;
      await program.publishInOwnSpan(URL, queue, 'own');
      await waitFor(() => parents.length === 1, 5000, 'the delivery');
      const consumerSpan = await waitFor(() => otel.spans().slice(before).find((s) => s.kind === SpanKind.CONSUMER));
      const producers = otel.spans().slice(before).filter((s) => s.kind === SpanKind.PRODUCER);
      expect(producers.map((s) => s.instrumentationScope.name)).toEqual(['orders']);
      expect(parentSpanId(consumerSpan)).toBe(producers[0]!.spanContext().spanId);
      expect(parents).toEqual([producers[0]!.spanContext().traceId]);
    } finally {
      await consumer.close();
    }
  });

  it("makes the producer's context current around the app's own CONSUMER span, without a second consumer span", async () => {
    const queue = `otelify-own-consumer-${process.pid}-${Date.now()}`;
    const received: string[] = [];
    const consumer = await program.startOwnSpanConsumer(URL, queue, ({ body }) => received.push(body));
    try {
      const before = otel.spans().length;
      await program.publishOrders(URL, queue, ['mine']);
      await waitFor(() => received.length === 1, 5000, 'the delivery');
      const consumers = await waitFor(() => {
        const found = otel.spans().slice(before).filter((s) => s.kind === SpanKind.CONSUMER);
        return found.length > 0 && found;
      });
      const producer = otel.spans().slice(before).find((s) => s.kind === SpanKind.PRODUCER);
      expect(consumers.map((s) => s.instrumentationScope.name)).toEqual(['orders']);
      expect(parentSpanId(consumers[0]!)).toBe(producer!.spanContext().spanId);
    } finally {
      await consumer.close();
    }
  });
});
