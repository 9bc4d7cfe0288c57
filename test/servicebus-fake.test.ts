import { ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusReceiver } from '@azure/service-bus';
import { trace } from '@opentelemetry/api';
import { once } from 'node:events';
import rhea from 'rhea';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inRootSpan, setupOtel, waitFor } from './support/otel.js';
import { startServiceBusFake, type ServiceBusFake } from './support/servicebus-fake.js';

// No Service Bus emulator can run here: the real @azure/service-bus client talks AMQP 1.0 to a loopback fake.
// These tests prove the fake is faithful enough for execution tests to trust what they see through it.

/** What an application reads off a received message. */
function seen(message: ServiceBusReceivedMessage) {
  return {
    body: message.body,
    applicationProperties: message.applicationProperties,
    messageId: message.messageId,
    correlationId: message.correlationId,
    contentType: message.contentType,
    deliveryCount: message.deliveryCount,
  };
}

async function receive(receiver: ServiceBusReceiver, count: number): Promise<ServiceBusReceivedMessage[]> {
  const received: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + 10_000;
  while (received.length < count && Date.now() < deadline) {
    received.push(...(await receiver.receiveMessages(count - received.length, { maxWaitTimeInMs: 2000 })));
  }
  return received;
}

const order = (id: number) => ({
  body: { id, item: 'book' },
  applicationProperties: { tenant: 'acme', id },
  messageId: `order-${id}`,
  correlationId: `request-${id}`,
  contentType: 'application/json',
});

describe('the Service Bus fake, driven by the real @azure/service-bus client', () => {
  const otel = setupOtel();
  let fake: ServiceBusFake;
  let client: ServiceBusClient;
  beforeAll(async () => {
    fake = await startServiceBusFake();
    client = new ServiceBusClient(fake.connectionString);
  });
  afterEach(() => expect(fake.errors).toEqual([]));
  afterAll(async () => {
    await client?.close();
    await fake?.stop();
    await otel.shutdown();
  });

  it('stores one message, an array and a createMessageBatch batch with body, properties and ids', async () => {
    const queue = 'sent-three-ways';
    const sender = client.createSender(queue);
    // Inside an active span, with the OpenTelemetry SDK registered: the client's own tracing still writes
    // nothing (it needs @azure/opentelemetry-instrumentation-azure-sdk), so the properties are exactly ours.
    await inRootSpan(() => sender.sendMessages(order(1))).result;
    await sender.sendMessages([order(2), { body: 'plain text', applicationProperties: { tenant: 'acme', id: 3 } }]);
    const batch = await sender.createMessageBatch();
    expect(batch.tryAddMessage({ body: Buffer.from([0xde, 0xad]), applicationProperties: { id: 4 } })).toBe(true);
    expect(batch.tryAddMessage(order(5))).toBe(true);
    await sender.sendMessages(batch);
    await sender.close();

    expect(fake.sent(queue).map(({ amqp: _, ...message }) => message)).toEqual([
      order(1),
      order(2),
      { body: 'plain text', applicationProperties: { tenant: 'acme', id: 3 } },
      { body: Buffer.from([0xde, 0xad]), applicationProperties: { id: 4 } },
      order(5),
    ]);
    expect(fake.queued(queue).map((message) => message.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
  });

  it('receiveMessages returns what was sent, locked; completeMessage removes it', async () => {
    const queue = 'receive-batch';
    const sender = client.createSender(queue);
    await sender.sendMessages([order(1), order(2), order(3)]);
    const receiver = client.createReceiver(queue);

    const received = await receive(receiver, 3);
    expect(received.map(seen)).toEqual([1, 2, 3].map((id) => ({ ...order(id), deliveryCount: 0 })));
    expect(received.map((message) => message.sequenceNumber?.toNumber())).toEqual([1, 2, 3]);
    expect(new Set(received.map((message) => message.lockToken)).size).toBe(3);
    expect(received[0]!.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(fake.queued(queue).map((message) => message.state)).toEqual(['locked', 'locked', 'locked']);

    for (const message of received) await receiver.completeMessage(message);
    expect(fake.queued(queue)).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('receiveMessages asking for more than there is ends with a drain, and the link serves the next call', async () => {
    const queue = 'receive-drain';
    const sender = client.createSender(queue);
    await sender.sendMessages([order(1), order(2)]);
    const receiver = client.createReceiver(queue);
    const first = await receiver.receiveMessages(10, { maxWaitTimeInMs: 5000 });
    expect(first.map((message) => message.body)).toEqual([order(1).body, order(2).body]);
    for (const message of first) await receiver.completeMessage(message);
    expect(await receiver.receiveMessages(10, { maxWaitTimeInMs: 300 })).toEqual([]);
    await sender.sendMessages(order(3));
    expect((await receive(receiver, 1)).map((message) => message.body)).toEqual([order(3).body]);
    // A client whose drain is not answered gives up on the link (closes it) and opens another.
    expect(fake.receiverLinks(queue)).toBe(1);
    await receiver.close();
    await sender.close();
  });

  it('subscribe hands each message to processMessage with its body and properties, and completes it', async () => {
    const queue = 'receive-subscribe';
    const sender = client.createSender(queue);
    await sender.sendMessages([order(1), order(2)]);
    const receiver = client.createReceiver(queue);
    const handled: ReturnType<typeof seen>[] = [];
    const errors: Error[] = [];
    const subscription = receiver.subscribe({
      processMessage: async (message) => void handled.push(seen(message)),
      processError: async ({ error }) => void errors.push(error),
    });
    await waitFor(() => handled.length === 2 && fake.queued(queue).length === 0, 10_000, 'both messages handled and completed');
    await subscription.close();
    expect(handled).toEqual([{ ...order(1), deliveryCount: 0 }, { ...order(2), deliveryCount: 0 }]);
    expect(errors).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('abandonMessage puts the message back: redelivered with deliveryCount 1 and the modified properties', async () => {
    const queue = 'abandon';
    const sender = client.createSender(queue);
    await sender.sendMessages(order(1));
    const receiver = client.createReceiver(queue);

    const [first] = await receive(receiver, 1);
    expect(first!.deliveryCount).toBe(0);
    await receiver.abandonMessage(first!, { retriedBecause: 'timeout' });
    expect(fake.queued(queue).map((message) => message.state)).toEqual(['available']);

    const [second] = await receive(receiver, 1);
    expect(seen(second!)).toEqual({
      ...order(1),
      applicationProperties: { tenant: 'acme', id: 1, retriedBecause: 'timeout' },
      deliveryCount: 1,
    });
    expect(second!.lockToken).not.toBe(first!.lockToken);
    await receiver.completeMessage(second!);
    expect(fake.queued(queue)).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('a processMessage that throws abandons the message, which comes back with deliveryCount 1', async () => {
    const queue = 'abandon-subscribe';
    const sender = client.createSender(queue);
    await sender.sendMessages(order(1));
    const receiver = client.createReceiver(queue);
    const attempts: number[] = [];
    const errors: string[] = [];
    const subscription = receiver.subscribe({
      processMessage: async (message) => {
        attempts.push(message.deliveryCount!);
        if (message.deliveryCount === 0) throw new Error('expected by test: the first attempt fails');
      },
      processError: async ({ error, errorSource }) => void errors.push(`${errorSource}: ${error.message}`),
    });
    await waitFor(() => attempts.length === 2 && fake.queued(queue).length === 0, 10_000, 'a retried and completed message');
    await subscription.close();
    expect(attempts).toEqual([0, 1]);
    expect(errors).toEqual(['processMessageCallback: expected by test: the first attempt fails']);
    await receiver.close();
    await sender.close();
  });

  it('a message that keeps failing is dead-lettered after the tenth delivery (MaxDeliveryCountExceeded)', async () => {
    const queue = 'always-failing';
    const sender = client.createSender(queue);
    await sender.sendMessages(order(1));
    const receiver = client.createReceiver(queue);
    const attempts: number[] = [];
    const subscription = receiver.subscribe({
      processMessage: async (message) => {
        attempts.push(message.deliveryCount!);
        throw new Error('expected by test: this handler always fails');
      },
      processError: async () => {},
    });
    await waitFor(() => fake.queued(`${queue}/$DeadLetterQueue`).length === 1, 10_000, 'the message dead-lettered');
    await subscription.close();
    expect(attempts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(fake.queued(queue)).toEqual([]);
    expect(fake.queued(`${queue}/$DeadLetterQueue`)[0]!.applicationProperties).toMatchObject({
      ...order(1).applicationProperties,
      DeadLetterReason: 'MaxDeliveryCountExceeded',
    });
    await receiver.close();
    await sender.close();
  });

  it('deadLetterMessage moves the message to the dead-letter queue with its reason', async () => {
    const queue = 'poison';
    const sender = client.createSender(queue);
    await sender.sendMessages(order(1));
    const receiver = client.createReceiver(queue);
    const [message] = await receive(receiver, 1);
    await receiver.deadLetterMessage(message!, { deadLetterReason: 'unparseable', deadLetterErrorDescription: 'no item' });
    expect(fake.queued(queue)).toEqual([]);

    const deadLetters = client.createReceiver(queue, { subQueueType: 'deadLetter' });
    const [dead] = await receive(deadLetters, 1);
    expect(dead).toMatchObject({
      body: order(1).body,
      deadLetterReason: 'unparseable',
      deadLetterErrorDescription: 'no item',
      deadLetterSource: queue,
    });
    expect(dead!.applicationProperties).toMatchObject(order(1).applicationProperties);
    await deadLetters.completeMessage(dead!);
    expect(fake.queued(`${queue}/$DeadLetterQueue`)).toEqual([]);
    await deadLetters.close();
    await receiver.close();
    await sender.close();
  });

  it('deferMessage holds the message back; receiveDeferredMessages fetches it and it is settled over $management', async () => {
    const queue = 'defer';
    const sender = client.createSender(queue);
    await sender.sendMessages(order(1));
    const receiver = client.createReceiver(queue);
    const [message] = await receive(receiver, 1);
    await receiver.deferMessage(message!, { deferredBecause: 'waiting for stock' });
    expect(fake.queued(queue).map((queued) => queued.state)).toEqual(['deferred']);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);

    const [deferred] = await receiver.receiveDeferredMessages(message!.sequenceNumber!);
    expect(seen(deferred!)).toEqual({
      ...order(1),
      applicationProperties: { tenant: 'acme', id: 1, deferredBecause: 'waiting for stock' },
      deliveryCount: 0,
    });
    expect(deferred!.lockToken).toBeDefined();
    await receiver.completeMessage(deferred!);
    expect(fake.queued(queue)).toEqual([]);
    expect(fake.managementRequests).toEqual(
      expect.arrayContaining(['com.microsoft:receive-by-sequence-number', 'com.microsoft:update-disposition']),
    );
    await receiver.close();
    await sender.close();
  });

  it('receiveAndDelete takes messages off the queue as they are delivered', async () => {
    const queue = 'receive-and-delete';
    const sender = client.createSender(queue);
    await sender.sendMessages([order(1), order(2)]);
    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const received = await receive(receiver, 2);
    expect(received.map(seen)).toEqual([{ ...order(1), deliveryCount: 0 }, { ...order(2), deliveryCount: 0 }]);
    expect(received.map((message) => message.lockToken)).toEqual([undefined, undefined]);
    expect(fake.queued(queue)).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('peekMessages ($management) shows messages without locking or removing them', async () => {
    const queue = 'peek';
    const sender = client.createSender(queue);
    await sender.sendMessages([order(1), order(2), order(3)]);
    const receiver = client.createReceiver(queue);
    const peeked = await receiver.peekMessages(2);
    expect(peeked.map((message) => [message.body, message.sequenceNumber?.toNumber()])).toEqual([
      [order(1).body, 1],
      [order(2).body, 2],
    ]);
    // The client peeks on from the last sequence number it saw.
    expect((await receiver.peekMessages(5)).map((message) => message.sequenceNumber?.toNumber())).toEqual([3]);
    expect(fake.queued(queue).map((message) => message.state)).toEqual(['available', 'available', 'available']);
    expect(fake.managementRequests).toContain('com.microsoft:peek-message');
    await receiver.close();
    await sender.close();
  });

  // What the engine must know about the client rather than the fake: without Azure's OpenTelemetry plugin the
  // client leaves the context alone, and rhea's socket callbacks run in the context in which the connection
  // was opened, so a consumer span must take its parent from the message, never from the active context.
  it('processMessage runs in the context that was active when the client opened its connection', async () => {
    const queue = 'leaked-context';
    const ownClient = new ServiceBusClient(fake.connectionString);
    const sender = ownClient.createSender(queue);
    const { root, result } = inRootSpan(() => sender.sendMessages(order(1)), 'request that opened the connection');
    await result;
    const receiver = ownClient.createReceiver(queue);
    const activeSpans: (string | undefined)[] = [];
    const subscription = receiver.subscribe({
      processMessage: async () => void activeSpans.push(trace.getActiveSpan()?.spanContext().spanId),
      processError: async () => {},
    });
    await waitFor(() => activeSpans.length === 1, 10_000, 'the message handled');
    await subscription.close();
    expect(activeSpans).toEqual([root.spanContext().spanId]);
    await ownClient.close();
  });

  it('takes SASL PLAIN too, and refuses a link to a queue before a token was put for it, as the service does', async () => {
    const connection = rhea
      .create_container()
      .connect({ host: '127.0.0.1', port: fake.port, username: 'user', password: 'secret', reconnect: false });
    await once(connection, 'connection_open');
    const sender = connection.open_sender('no-token');
    await once(sender, 'sender_close');
    expect(sender.error).toMatchObject({ condition: 'amqp:unauthorized-access' });
    connection.close();
    await once(connection, 'connection_close');
    expect(fake.errors.splice(0)).toEqual(['link to no-token before a put-token for it']);
  });
});

describe('the Service Bus fake with a short lock duration', () => {
  const lockDurationMs = 1500;
  let fake: ServiceBusFake;
  let client: ServiceBusClient;
  beforeAll(async () => {
    fake = await startServiceBusFake({ lockDurationMs });
    client = new ServiceBusClient(fake.connectionString);
  });
  afterEach(() => expect(fake.errors).toEqual([]));
  afterAll(async () => {
    await client?.close();
    await fake?.stop();
  });

  it('the client renews the lock of a message that takes longer than the lock to process ($management renew-lock)', async () => {
    const queue = 'slow-handler';
    const sender = client.createSender(queue);
    await sender.sendMessages(order(1));
    const receiver = client.createReceiver(queue);
    const attempts: number[] = [];
    const errors: string[] = [];
    const subscription = receiver.subscribe({
      processMessage: async (message) => {
        attempts.push(message.deliveryCount!);
        await new Promise((resolve) => setTimeout(resolve, lockDurationMs * 2));
      },
      processError: async ({ error }) => void errors.push(error.message),
    });
    await waitFor(() => fake.queued(queue).length === 0, 10_000, 'the slow message completed');
    await subscription.close();
    // Without renewal the lock would expire mid-handler: a second delivery, and a lock-lost completion.
    expect(attempts).toEqual([0]);
    expect(errors).toEqual([]);
    expect(fake.managementRequests).toContain('com.microsoft:renew-lock');
    await receiver.close();
    await sender.close();
  });

  it('renewMessageLock extends the lock; an expired lock redelivers the message and its settlement fails', async () => {
    const queue = 'expiring';
    const sender = client.createSender(queue);
    await sender.sendMessages(order(1));
    const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receive(receiver, 1);
    const lockedUntil = first!.lockedUntilUtc!.getTime();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await receiver.renewMessageLock(first!)).getTime()).toBeGreaterThan(lockedUntil);

    const [second] = await receive(receiver, 1);
    expect(second!.deliveryCount).toBe(1);
    await expect(receiver.completeMessage(first!)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await receiver.completeMessage(second!);
    expect(fake.queued(queue)).toEqual([]);
    await receiver.close();
    await sender.close();
  });
});

describe('closing', () => {
  /** Sockets, servers and (ref'd) timers: what keeps a process alive. */
  const handles = () => process.getActiveResourcesInfo().filter((kind) => ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].includes(kind));
  /** Handles in `after` beyond those in `before`, kind by kind (the runner's own timers come and go). */
  const added = (before: string[], after: string[]) => {
    const left = [...before];
    return after.filter((kind) => (left.includes(kind) ? (left.splice(left.indexOf(kind), 1), false) : true));
  };

  it('leaves no socket, server or timer behind once the client is closed and the fake stopped', async () => {
    // The fakes and clients of the tests above close their sockets asynchronously: start from none.
    await waitFor(() => !handles().some((kind) => kind.startsWith('TCP')), 2000, 'earlier sockets closed');
    const before = handles();
    const fake = await startServiceBusFake();
    const client = new ServiceBusClient(fake.connectionString);
    const sender = client.createSender('closing');
    await sender.sendMessages([order(1), order(2)]);
    const receiver = client.createReceiver('closing');
    const [completed, leftLocked] = await receive(receiver, 2);
    await receiver.completeMessage(completed!);
    expect(leftLocked!.lockToken).toBeDefined();
    expect(added(before, handles())).toContain('TCPServerWrap');
    await client.close();
    await fake.stop();
    expect(fake.errors).toEqual([]);
    await waitFor(() => added(before, handles()).length === 0, 2000, 'no handle left').catch(() => {
      expect(added(before, handles())).toEqual([]);
    });
  });
});
