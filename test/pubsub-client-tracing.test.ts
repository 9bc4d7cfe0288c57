import { PubSub, type Message } from '@google-cloud/pubsub';
import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inRootSpan, setupOtel, waitFor } from './support/otel.js';
import { startPubSubFake, type PubSubFake } from './support/pubsub-fake.js';

/**
 * What @google-cloud/pubsub's own OpenTelemetry support writes into message attributes, measured on the wire
 * of the Pub/Sub fake: the rewrite has to live next to it. The client's switch is process-wide (the first
 * `new PubSub({ enableOpenTelemetryTracing: true })` turns it on for every instance, and nothing turns it
 * off), so the test without it runs first.
 */
describe('@google-cloud/pubsub tracing and the attributes it owns', () => {
  const otel = setupOtel();
  let fake: PubSubFake;
  const clients: PubSub[] = [];
  const userAttributes = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', googclient_note: 'mine' };
  beforeAll(async () => {
    fake = await startPubSubFake();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await fake.stop();
    await otel.shutdown();
  });

  async function publishInRootSpan(options: { enableOpenTelemetryTracing?: boolean }, attributes: Record<string, string>) {
    const pubsub = new PubSub({ ...fake.clientOptions, ...options });
    clients.push(pubsub);
    const [topic] = await pubsub.createTopic(`tracing-${clients.length}`);
    const [subscription] = await topic.createSubscription(`tracing-${clients.length}-sub`);
    const { root, result } = inRootSpan(() => topic.publishMessage({ data: Buffer.from('x'), attributes }));
    await result;
    const [wire] = fake.published(topic.name);
    return { root, wire: wire!.attributes, subscription };
  }

  it('without enableOpenTelemetryTracing, sends the attributes as given, googclient_ ones included', async () => {
    const { wire } = await publishInRootSpan({}, { ...userAttributes, googclient_traceparent: 'set by the user' });
    expect(wire).toEqual({ ...userAttributes, googclient_traceparent: 'set by the user' });
    expect(otel.spans().filter((s) => s.instrumentationScope.name === '@google-cloud/pubsub')).toEqual([]);
  });

  it('with it, adds googclient_traceparent for its own create span (overwriting a user value with a warning) and keeps every other attribute', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const attributes = { ...userAttributes, googclient_traceparent: 'set by the user' };
    const { root, wire, subscription } = await publishInRootSpan({ enableOpenTelemetryTracing: true }, attributes);
    expect(warn).toHaveBeenCalledWith('googclient_traceparent key set as message attribute, but will be overridden.');
    warn.mockRestore();
    // The caller's object is not touched: the client copies it before injecting.
    expect(attributes.googclient_traceparent).toBe('set by the user');

    expect(Object.keys(wire).sort()).toEqual(['googclient_note', 'googclient_traceparent', 'traceparent']);
    expect(wire).toMatchObject(userAttributes);
    const create = otel.spans().find((s) => s.instrumentationScope.name === '@google-cloud/pubsub' && s.kind === SpanKind.PRODUCER && s.name.endsWith(' create'))!;
    // Its create span is a child of whatever span is active at publishMessage, and that is what it propagates.
    expect(create.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(wire.googclient_traceparent).toBe(`00-${root.spanContext().traceId}-${create.spanContext().spanId}-01`);

    // The subscriber hands the attributes over unfiltered, and does not make its own spans active in the handler.
    const received: { message: Message; activeSpan: unknown }[] = [];
    subscription.on('message', (message: Message) => {
      received.push({ message, activeSpan: trace.getActiveSpan() });
      message.ack();
    });
    await waitFor(() => received.length === 1, 5000, 'the message');
    expect(received[0]!.message.attributes).toEqual(wire);
    expect(received[0]!.activeSpan).toBeUndefined();
    await subscription.close();
    const subscribe = otel.spans().find((s) => s.kind === SpanKind.CONSUMER && s.name.endsWith(' subscribe'))!;
    expect(subscribe.parentSpanContext?.spanId).toBe(create.spanContext().spanId);
  });
});
