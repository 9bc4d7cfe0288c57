import { PubSub, v1, type Message, type Subscription } from '@google-cloud/pubsub';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/otel.js';
import { startPubSubFake, type PubSubFake } from './support/pubsub-fake.js';

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
const GRPC_INVALID_ARGUMENT = 3;
const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/** The kinds of handle this process holds more of than it did at `before` (sockets, servers, timers). */
function leftovers(before: string[]): string[] {
  const remaining = [...before];
  return process.getActiveResourcesInfo().filter((kind) => {
    const at = remaining.indexOf(kind);
    if (at >= 0) remaining.splice(at, 1);
    return at < 0;
  });
}

/** What the client's subscriptions reported as errors; every test expects none. */
const subscriberErrors: Error[] = [];

/** Subscribes and hands each message to `handle`; returns what arrived, in order. */
function listen(subscription: Subscription, handle: (message: Message, arrived: Message[]) => void) {
  const arrived: Message[] = [];
  subscription.on('message', (message: Message) => {
    arrived.push(message);
    handle(message, arrived);
  });
  subscription.on('error', (error: Error) => subscriberErrors.push(error));
  return arrived;
}

// @google-cloud/pubsub 6 declares Node >= 22 in its engines, yet every test here passes on Node 20.20 as well,
// so the suite runs under both.
describe('the Pub/Sub fake, driven by the real @google-cloud/pubsub client', () => {
  let fake: PubSubFake;
  let pubsub: PubSub;
  const resourcesBefore = process.getActiveResourcesInfo();

  beforeAll(async () => {
    fake = await startPubSubFake();
    pubsub = new PubSub(fake.clientOptions);
  });
  afterEach(() => expect(subscriberErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await pubsub?.close();
    await fake?.stop();
  });

  it('creates, finds and deletes topics and subscriptions', async () => {
    const [topic] = await pubsub.createTopic(unique('lifecycle'));
    expect((await topic.exists())[0]).toBe(true);
    await expect(pubsub.createTopic(topic.name)).rejects.toMatchObject({ code: GRPC_ALREADY_EXISTS });
    const [subscription] = await topic.createSubscription(unique('lifecycle-sub'));
    const [metadata] = await subscription.getMetadata();
    expect(metadata).toMatchObject({ name: subscription.name, topic: topic.name, ackDeadlineSeconds: 10 });
    expect((await topic.getSubscriptions())[0].map((s) => s.name)).toEqual([subscription.name]);
    await subscription.delete();
    expect((await subscription.exists())[0]).toBe(false);
    await topic.delete();
    expect((await topic.exists())[0]).toBe(false);
    await expect(pubsub.topic(topic.name).publishMessage({ data: Buffer.from('x') })).rejects.toMatchObject({ code: GRPC_NOT_FOUND });
  });

  it('delivers what publishMessage, publish and publishJSON sent, with data and attributes, and records the acks', async () => {
    const [topic] = await pubsub.createTopic(unique('orders'));
    const [subscription] = await topic.createSubscription(unique('orders-sub'));
    const ids = await Promise.all([
      topic.publishMessage({ data: Buffer.from('one'), attributes: { traceparent: '00-aa-bb-01', kind: 'message' } }),
      topic.publish(Buffer.from('two'), { kind: 'publish' }),
      topic.publishJSON({ order: 3 }, { kind: 'json' }),
    ]);

    const wire = fake.published(topic.name);
    expect(wire.map((m) => [m.messageId, m.data.toString(), m.attributes])).toEqual([
      [ids[0], 'one', { traceparent: '00-aa-bb-01', kind: 'message' }],
      [ids[1], 'two', { kind: 'publish' }],
      [ids[2], '{"order":3}', { kind: 'json' }],
    ]);

    const arrived = listen(subscription, (message) => message.ack());
    await waitFor(() => arrived.length >= 3, 5000, 'three messages');
    const byId = new Map(arrived.map((m) => [m.id, m]));
    expect(byId.get(ids[0])).toMatchObject({ attributes: { traceparent: '00-aa-bb-01', kind: 'message' }, deliveryAttempt: 0 });
    expect(byId.get(ids[0])!.data.toString()).toBe('one');
    expect(byId.get(ids[1])!.data.toString()).toBe('two');
    expect(JSON.parse(byId.get(ids[2])!.data.toString())).toEqual({ order: 3 });
    expect(byId.get(ids[2])!.attributes).toEqual({ kind: 'json' });
    expect(byId.get(ids[0])!.publishTime.getTime()).toBe(wire[0]!.publishTime.getTime());
    expect(byId.get(ids[0])!.ackId).toMatch(/\S/);
    await waitFor(() => fake.acknowledged(subscription.name).length === 3, 5000, 'three acks');
    expect([...fake.acknowledged(subscription.name)].sort()).toEqual([...ids].sort());
    await subscription.close();
    expect(arrived).toHaveLength(3);
  });

  it("reports NOT_FOUND on the subscription's 'error' when it is missing or deleted while listened to", async () => {
    const errors = (subscription: Subscription) => {
      const seen: { code?: number }[] = [];
      subscription.on('error', (error: { code?: number }) => seen.push(error));
      subscription.on('message', (message: Message) => message.ack());
      return seen;
    };
    const missing = errors(pubsub.subscription(unique('missing')));
    await waitFor(() => missing.length === 1, 5000, 'the error of a missing subscription');
    expect(missing[0]).toMatchObject({ code: GRPC_NOT_FOUND });

    const [topic] = await pubsub.createTopic(unique('doomed'));
    const [subscription] = await topic.createSubscription(unique('doomed-sub'));
    const deleted = errors(subscription);
    await topic.publishMessage({ data: Buffer.from('before') });
    await waitFor(() => fake.acknowledged(subscription.name).length === 1, 5000, 'the message before deletion');
    await pubsub.subscription(subscription.name).delete();
    await waitFor(() => deleted.length === 1, 5000, 'the error of a deleted subscription');
    expect(deleted[0]).toMatchObject({ code: GRPC_NOT_FOUND });
  });

  it('redelivers a nacked message, and not an acked one', async () => {
    const [topic] = await pubsub.createTopic(unique('retry'));
    const [subscription] = await topic.createSubscription(unique('retry-sub'));
    const id = await topic.publishMessage({ data: Buffer.from('flaky'), attributes: { step: '1' } });
    const arrived = listen(subscription, (message, all) => (all.length === 1 ? message.nack() : message.ack()));
    // The client sends acks in batches on a timer: on a loaded machine they take a while.
    try {
      await waitFor(() => arrived.length >= 2, 15_000, 'a redelivery');
      expect(arrived.map((m) => [m.id, m.data.toString(), m.attributes])).toEqual([
        [id, 'flaky', { step: '1' }],
        [id, 'flaky', { step: '1' }],
      ]);
      expect(arrived[0]!.ackId).not.toBe(arrived[1]!.ackId);
      await waitFor(() => fake.acknowledged(subscription.name).length === 1, 15_000, 'the ack');
      // Long enough for a third delivery to have arrived, were there one.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(arrived).toHaveLength(2);
    } finally {
      await subscription.close();
    }
  }, 60_000);

  it('counts delivery attempts under a dead-letter policy and forwards the message once they are used up', async () => {
    const [topic] = await pubsub.createTopic(unique('payments'));
    const [deadLetters] = await pubsub.createTopic(unique('payments-dead'));
    const [deadLetterSubscription] = await deadLetters.createSubscription(unique('payments-dead-sub'));
    const [subscription] = await topic.createSubscription(unique('payments-sub'), {
      deadLetterPolicy: { deadLetterTopic: deadLetters.name, maxDeliveryAttempts: 5 },
    });
    await topic.publishMessage({ data: Buffer.from('poison'), attributes: { traceparent: '00-cc-dd-01' } });
    const attempts = listen(subscription, (message) => message.nack());
    const dead = listen(deadLetterSubscription, (message) => message.ack());
    await waitFor(() => dead.length === 1, 5000, 'the dead-lettered message');
    expect(attempts.map((m) => m.deliveryAttempt)).toEqual([1, 2, 3, 4, 5]);
    expect(dead[0]!.data.toString()).toBe('poison');
    expect(dead[0]!.attributes).toEqual({ traceparent: '00-cc-dd-01' });
    await Promise.all([subscription.close(), deadLetterSubscription.close()]);
  });

  it('keeps publish order per ordering key through a nack', async () => {
    const [topic] = await pubsub.createTopic(unique('ordered'));
    topic.setPublishOptions({ messageOrdering: true });
    const [subscription] = await topic.createSubscription(unique('ordered-sub'), { enableMessageOrdering: true });
    for (const n of [1, 2, 3, 4]) await topic.publishMessage({ data: Buffer.from(`m${n}`), orderingKey: 'customer-7' });
    let nacked = false;
    const arrived = listen(subscription, (message) => {
      if (message.data.toString() === 'm2' && !nacked) {
        nacked = true;
        message.nack();
      } else message.ack();
    });
    await waitFor(() => fake.acknowledged(subscription.name).length === 4, 5000, 'four acks');
    expect(arrived.map((m) => m.data.toString())).toEqual(['m1', 'm2', 'm2', 'm3', 'm4']);
    expect(arrived.every((m) => m.orderingKey === 'customer-7')).toBe(true);
    await subscription.close();
  });

  it('rejects a message over the service attribute limit, as Pub/Sub does', async () => {
    const [topic] = await pubsub.createTopic(unique('limits'));
    const hundred = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, String(i)]));
    await topic.publishMessage({ data: Buffer.from('ok'), attributes: hundred });
    await expect(
      topic.publishMessage({ data: Buffer.from('too many'), attributes: { ...hundred, traceparent: '00-ee-ff-01' } }),
    ).rejects.toMatchObject({ code: GRPC_INVALID_ARGUMENT });
    await expect(topic.publishMessage({ data: Buffer.from('long'), attributes: { k: 'v'.repeat(1025) } })).rejects.toMatchObject({
      code: GRPC_INVALID_ARGUMENT,
    });
    expect(fake.published(topic.name)).toHaveLength(1);
  });

  it('serves unary Pull, Acknowledge and ModifyAckDeadline, and redelivers when a lease runs out', async () => {
    const [topic] = await pubsub.createTopic(unique('pulled'));
    const [subscription] = await topic.createSubscription(unique('pulled-sub'));
    // The generated client, configured as the handwritten one configures its own (endpoint, plaintext).
    const client = new v1.SubscriberClient((await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    await topic.publishMessage({ data: Buffer.from('a'), attributes: { n: '1' } });
    await topic.publishMessage({ data: Buffer.from('b'), attributes: { n: '2' } });
    const [first] = await client.pull({ subscription: subscription.name, maxMessages: 10 });
    expect(first.receivedMessages?.map((r) => [String(r.message?.data), r.message?.attributes])).toEqual([
      ['a', { n: '1' }],
      ['b', { n: '2' }],
    ]);
    const [a, b] = first.receivedMessages!;
    await client.acknowledge({ subscription: subscription.name, ackIds: [a!.ackId!] });
    await client.modifyAckDeadline({ subscription: subscription.name, ackIds: [b!.ackId!], ackDeadlineSeconds: 1 });
    const [leased] = await client.pull({ subscription: subscription.name, maxMessages: 10 });
    expect(leased.receivedMessages ?? []).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const [again] = await client.pull({ subscription: subscription.name, maxMessages: 10 });
    expect(again.receivedMessages?.map((r) => String(r.message?.data))).toEqual(['b']);
    expect(fake.acknowledged(subscription.name)).toEqual([a!.message!.messageId]);
    await client.close();
  });

  it('takes acks and nacks on the StreamingPull stream itself, and answers a keepalive', async () => {
    // The handwritten client acks with unary calls and pings after 30 s; the generated client's raw stream
    // shows the rest of the protocol without waiting that long.
    const [topic] = await pubsub.createTopic(unique('streamed'));
    const [subscription] = await topic.createSubscription(unique('streamed-sub'));
    const client = new v1.SubscriberClient((await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    const stream = client.streamingPull();
    const responses: { receivedMessages?: { ackId: string; message: { data: Buffer } }[] }[] = [];
    stream.on('data', (response) => responses.push(response));
    stream.on('error', () => {}); // the cancel below ends the call with CANCELLED
    stream.write({ subscription: subscription.name, streamAckDeadlineSeconds: 10, protocolVersion: 1 });
    await topic.publishMessage({ data: Buffer.from('streamed') });
    const delivered = () => responses.flatMap((r) => r.receivedMessages ?? []);
    await waitFor(() => delivered().length === 1, 5000, 'the first delivery');
    stream.write({ modifyDeadlineAckIds: [delivered()[0]!.ackId], modifyDeadlineSeconds: [0] });
    await waitFor(() => delivered().length === 2, 5000, 'the redelivery after a nack on the stream');
    stream.write({ ackIds: [delivered()[1]!.ackId] });
    await waitFor(() => fake.acknowledged(subscription.name).length === 1, 5000, 'the ack on the stream');
    const before = responses.length;
    stream.write({});
    await waitFor(() => responses.length > before, 5000, 'the keepalive answer');
    expect(responses.at(-1)!.receivedMessages ?? []).toEqual([]);
    expect(delivered().map((m) => m.message.data.toString())).toEqual(['streamed', 'streamed']);
    stream.cancel();
    await client.close();
  });

  it("holds back messages beyond a stream's maxOutstandingMessages until one is acked", async () => {
    const [topic] = await pubsub.createTopic(unique('throttled'));
    const [subscription] = await topic.createSubscription(unique('throttled-sub'));
    const client = new v1.SubscriberClient((await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    const stream = client.streamingPull();
    const delivered: { ackId: string; message: { data: Buffer } }[] = [];
    stream.on('data', (response) => delivered.push(...(response.receivedMessages ?? [])));
    stream.on('error', () => {}); // the cancel below ends the call with CANCELLED
    stream.write({ subscription: subscription.name, streamAckDeadlineSeconds: 10, maxOutstandingMessages: 1 });
    await Promise.all(['first', 'second'].map((text) => topic.publishMessage({ data: Buffer.from(text) })));
    await waitFor(() => delivered.length === 1, 5000, 'the first delivery');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(delivered).toHaveLength(1);
    await client.acknowledge({ subscription: subscription.name, ackIds: [delivered[0]!.ackId] });
    await waitFor(() => delivered.length === 2, 5000, 'the second delivery');
    expect(delivered.map((m) => m.message.data.toString())).toEqual(['first', 'second']);
    stream.cancel();
    await client.close();
  });

  it('is reachable through PUBSUB_EMULATOR_HOST as well', async () => {
    process.env.PUBSUB_EMULATOR_HOST = fake.endpoint;
    const { apiEndpoint: _, ...withoutEndpoint } = fake.clientOptions;
    const viaEnvironment = new PubSub(withoutEndpoint);
    try {
      const [topic] = await viaEnvironment.createTopic(unique('via-env'));
      await topic.publishMessage({ data: Buffer.from('hello') });
      expect(fake.published(topic.name).map((m) => m.data.toString())).toEqual(['hello']);
      expect(viaEnvironment.isEmulator).toBe(true);
    } finally {
      delete process.env.PUBSUB_EMULATOR_HOST;
      await viaEnvironment.close();
    }
  });

  it('leaves no sockets, servers or timers behind once the clients and the fake are closed', async () => {
    await pubsub.close();
    await fake.stop();
    await waitFor(() => leftovers(resourcesBefore).length === 0, 5000, 'the handles to close').catch((error) => {
      throw new Error(`${error.message}: ${leftovers(resourcesBefore).join(', ')}`);
    });
  });
});
