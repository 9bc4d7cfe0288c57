import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { RABBITMQ, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/amqp-connection-manager/exec-roundtrip.input.js');

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const available = await serviceAvailable(RABBITMQ);

describe.runIf(available)('amqp-connection-manager, rewritten, against RabbitMQ', () => {
  const otel = setupOtel();
  let program: Program;
  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'amqp-connection-manager/exec-roundtrip.input.ts'));
  });
  afterAll(() => otel.shutdown());

  it('continues the trace from ChannelWrapper.sendToQueue to its consumer, with baggage; a throwing handler ends in ERROR', async () => {
    const queue = `otelify-acm-${process.pid}-${Date.now()}`;
    const { connection, channel } = program.open(URL, queue);
    try {
      await channel.waitForConnect();
      const seen: ReturnType<typeof observed<string>>[] = [];
      await program.billOrders(channel, queue, async (orderId) => {
        seen.push(observed(orderId));
        if (orderId === 'o-2') throw new RangeError('expected by test');
      });
      const { root, result } = inRootSpan(() => program.requestInvoice(channel, queue, 'o-1'));
      await result;
      await waitFor(() => seen.length === 1, 5000, 'the delivery');
      expect(seen[0]).toEqual({ body: 'o-1', traceId: root.spanContext().traceId, tenant: 'acme' });

      const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
      expect(producer.name).toBe(`publish ${queue}`);
      expect(parentSpanId(producer)).toBe(root.spanContext().spanId);
      const consumer = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 5000, 'the consumer span');
      expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
      expect(consumer.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.destination.name': queue, 'messaging.message.id': 'invoice-o-1' });

      otel.reset();
      await program.requestInvoice(channel, queue, 'o-2');
      const failed = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 5000, 'the failed consumer span');
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes['error.type']).toBe('RangeError');
    } finally {
      await connection.close();
    }
  });
});
