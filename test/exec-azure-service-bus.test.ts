import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { startServiceBusFake, type ServiceBusFake } from './support/servicebus-fake.js';

type Program = typeof import('../fixtures/azure-service-bus/exec-roundtrip.input.js');

describe('Azure Service Bus, rewritten, the real client against a loopback AMQP 1.0 peer', () => {
  const otel = setupOtel();
  let fake: ServiceBusFake;
  let program: Program;
  beforeAll(async () => {
    fake = await startServiceBusFake();
    program = await importRewritten<Program>(join(FIXTURES, 'azure-service-bus/exec-roundtrip.input.ts'));
  });
  afterAll(async () => {
    await fake?.stop();
    await otel.shutdown();
  });

  it('sendMessages carries the trace and baggage to processMessage; a throwing handler ends its span in ERROR', async () => {
    const { client, sender, receiver } = program.open(fake.connectionString, 'invoices');
    const seen: ReturnType<typeof observed<string>>[] = [];
    const subscription = program.work(receiver, async (orderId) => {
      seen.push(observed(orderId));
      if (orderId === 'broken') throw new RangeError('expected by test');
    });
    try {
      const { root, result } = inRootSpan(() => program.invoice(sender, 'o-1'));
      await result;
      await waitFor(() => seen.length === 1, 10_000, 'the message');
      expect(seen[0]).toEqual({ body: 'o-1', traceId: root.spanContext().traceId, tenant: 'acme' });
      expect(fake.sent('invoices')[0]!.applicationProperties).toMatchObject({ traceparent: expect.stringMatching(/^00-/), baggage: 'tenant.id=acme' });
      const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
      expect(producer.attributes).toMatchObject({ 'messaging.system': 'servicebus', 'messaging.destination.name': 'invoices', 'messaging.operation.name': 'send' });
      const consumer = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 5000, 'the consumer span');
      expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
      expect(consumer.attributes['messaging.message.id']).toBe('invoice-o-1');

      otel.reset();
      await program.invoice(sender, 'broken');
      const failed = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 10_000, 'the failed consumer span');
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes['error.type']).toBe('RangeError');
    } finally {
      await subscription.close();
      await client.close();
    }
  });

  it('messages added to a batch each carry the context of their own create span, and a receive loop continues each trace', async () => {
    otel.reset();
    const { client, sender, receiver } = program.open(fake.connectionString, 'invoice-batches');
    try {
      const { root, result } = inRootSpan(() => program.invoiceBatch(sender, ['b-1', 'b-2']));
      await result;
      const creates = otel.spans().filter((s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.operation.name'] === 'create');
      expect(creates).toHaveLength(2);
      const seen: ReturnType<typeof observed<string>>[] = [];
      expect(await program.drain(receiver, (orderId) => seen.push(observed(orderId)))).toBe(2);
      expect(seen.map((s) => [s.body, s.traceId, s.tenant])).toEqual([
        ['b-1', root.spanContext().traceId, 'acme'],
        ['b-2', root.spanContext().traceId, 'acme'],
      ]);
      const consumers = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
      expect(consumers.map((c) => parentSpanId(c)).sort()).toEqual(creates.map((c) => c.spanContext().spanId).sort());
    } finally {
      await client.close();
    }
  });
});
