import { SpanKind } from '@opentelemetry/api';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { startPubSubFake, type PubSubFake } from './support/pubsub-fake.js';
import { importRewritten } from './support/rewrite.js';

type Program = typeof import('../fixtures/gcp-pubsub/exec-roundtrip.input.js');
type Opened = Awaited<ReturnType<Program['open']>>;

describe('Google Cloud Pub/Sub, rewritten, the real client against a loopback Pub/Sub gRPC service', () => {
  const otel = setupOtel();
  let fake: PubSubFake;
  let program: Program;
  let opened: Opened;
  const seen: ReturnType<typeof observed<string>>[] = [];
  beforeAll(async () => {
    fake = await startPubSubFake();
    program = await importRewritten<Program>(join(FIXTURES, 'gcp-pubsub/exec-roundtrip.input.ts'));
    opened = await program.open(fake.clientOptions, 'orders', 'billing');
    program.handleOrders(opened.subscription, (orderId) => seen.push(observed(orderId)));
  });
  afterAll(async () => {
    await opened?.subscription.close();
    await opened?.pubsub.close();
    await fake?.stop();
    await otel.shutdown();
  });

  it('publishMessage carries the trace and baggage to the subscription\'s message handler, keeping the message\'s own attributes', async () => {
    const { root, result } = inRootSpan(() => program.orderPlaced(opened.topic, 'o-1'));
    const messageId = await result;
    await waitFor(() => seen.find((s) => s.body === 'o-1'), 10_000, 'the message');
    expect(seen.find((s) => s.body === 'o-1')).toEqual({ body: 'o-1', traceId: root.spanContext().traceId, tenant: 'acme' });
    const [sent] = fake.published('orders');
    expect(sent!.attributes).toMatchObject({ source: 'checkout', traceparent: expect.stringMatching(/^00-/), baggage: 'tenant.id=acme' });
    const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    // The topic's run-time name is its full path; the span names its id, as `pubsub.topic('orders')` would.
    expect(opened.topic.name).toBe('projects/otelify-test/topics/orders');
    expect(producer.name).toBe('publish orders');
    expect(producer.attributes).toMatchObject({ 'messaging.system': 'gcp_pubsub', 'messaging.destination.name': 'orders' });
    const consumer = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER), 5000, 'the consumer span');
    expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.attributes['messaging.message.id']).toBe(messageId);
  });

  it('publish(data) without attributes gets attributes holding the context', async () => {
    otel.reset();
    const { root, result } = inRootSpan(() => program.orderCancelled(opened.topic, 'o-2'));
    await result;
    await waitFor(() => seen.find((s) => s.body === 'o-2'), 10_000, 'the message');
    expect(seen.find((s) => s.body === 'o-2')?.traceId).toBe(root.spanContext().traceId);
  });
});
