/**
 * One subscription of the Pub/Sub fake: its backlog, the leases of delivered messages, and the StreamingPull
 * streams it feeds. It follows the service's documented rules where a client can tell the difference:
 * a message goes back to the backlog when nacked (ModifyAckDeadline 0) or when its ack deadline passes,
 * `deliveryAttempt` is 0 unless the subscription has a dead-letter policy, a message that has used up
 * `maxDeliveryAttempts` is forwarded to the dead-letter topic, and a stream receives no more than its
 * `maxOutstandingMessages`/`maxOutstandingBytes` unacknowledged messages. With message ordering on, a key
 * has one message out at a time, so its messages arrive in publish order even across redeliveries.
 */

export interface PublishedMessage {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string;
  publishTime: Date;
  /** Publish order within the fake, which is also the order messages are offered in. */
  sequence: number;
}

export interface ReceivedMessage {
  ackId: string;
  message: {
    messageId: string;
    data: Buffer;
    attributes: Record<string, string>;
    orderingKey: string;
    publishTime: { seconds: number; nanos: number };
  };
  deliveryAttempt: number;
}

export interface SubscriptionResource {
  name: string;
  topic: string;
  ackDeadlineSeconds: number;
  enableMessageOrdering: boolean;
  enableExactlyOnceDelivery: boolean;
  deadLetterPolicy: { deadLetterTopic: string; maxDeliveryAttempts: number } | null;
}

/** Where the subscription's StreamingPull responses go, and how much each stream may hold. */
export interface PullStream {
  send(receivedMessages: ReceivedMessage[]): void;
  /** Ends the call with NOT_FOUND: the subscription was deleted. */
  endDeleted(): void;
  ackDeadlineSeconds: number;
  maxOutstandingMessages: number;
  maxOutstandingBytes: number;
}

interface Pending {
  message: PublishedMessage;
  /** Deliveries so far. */
  attempts: number;
}

interface Lease extends Pending {
  ackId: string;
  stream: PullStream | undefined;
  timer?: NodeJS.Timeout;
}

const DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;

export class FakeSubscription {
  private backlog: Pending[] = [];
  private readonly leases = new Map<string, Lease>();
  private readonly streams: PullStream[] = [];
  /** Rotates which stream gets offered the next message. */
  private nextStream = 0;
  private nextAckId = 0;
  /** Message ids in the order they were acknowledged. */
  readonly acknowledged: string[] = [];

  constructor(
    readonly resource: SubscriptionResource,
    /** Publishes a message that used up its delivery attempts to the dead-letter topic. */
    private readonly deadLetter: (topic: string, message: PublishedMessage) => void,
  ) {}

  enqueue(message: PublishedMessage): void {
    this.requeue({ message, attempts: 0 });
    this.pump();
  }

  attach(stream: PullStream): void {
    this.streams.push(stream);
    this.pump();
  }

  /** The stream is gone; its leases run until their deadlines, as the service's do. */
  detach(stream: PullStream): void {
    const index = this.streams.indexOf(stream);
    if (index >= 0) this.streams.splice(index, 1);
    for (const lease of this.leases.values()) if (lease.stream === stream) lease.stream = undefined;
    this.pump();
  }

  /** Messages for a unary Pull: whatever is ready now, leased for the subscription's ack deadline. */
  pull(maxMessages: number): ReceivedMessage[] {
    const delivered: ReceivedMessage[] = [];
    while (delivered.length < maxMessages) {
      const next = this.takeNext();
      if (!next) break;
      delivered.push(this.lease(next, undefined, this.resource.ackDeadlineSeconds));
    }
    return delivered;
  }

  acknowledge(ackIds: readonly string[]): void {
    for (const ackId of ackIds) {
      const lease = this.leases.get(ackId);
      // An expired or repeated ack id is ignored, as the service does without exactly-once delivery.
      if (!lease) continue;
      this.release(lease);
      this.acknowledged.push(lease.message.messageId);
    }
    this.pump();
  }

  modifyAckDeadline(ackIds: readonly string[], seconds: number): void {
    for (const ackId of ackIds) {
      const lease = this.leases.get(ackId);
      if (!lease) continue;
      if (seconds === 0) this.redeliver(lease);
      else this.startTimer(lease, seconds);
    }
    this.pump();
  }

  /** Ends every lease and every stream, as deleting the subscription does. */
  delete(): void {
    const streams = [...this.streams];
    this.close();
    for (const stream of streams) stream.endDeleted();
  }

  /** Ends every lease and forgets every stream: the fake stops. */
  close(): void {
    for (const lease of this.leases.values()) clearTimeout(lease.timer);
    this.leases.clear();
    this.backlog = [];
    this.streams.length = 0;
  }

  private requeue(pending: Pending): void {
    const at = this.backlog.findIndex((other) => other.message.sequence > pending.message.sequence);
    if (at < 0) this.backlog.push(pending);
    else this.backlog.splice(at, 0, pending);
  }

  /** The first backlog message that may go out now: with ordering, none whose key already has one out. */
  private takeNext(): Pending | undefined {
    const busyKeys = new Set<string>();
    if (this.resource.enableMessageOrdering) {
      for (const lease of this.leases.values()) if (lease.message.orderingKey) busyKeys.add(lease.message.orderingKey);
    }
    for (let i = 0; i < this.backlog.length; i++) {
      const candidate = this.backlog[i]!;
      const key = this.resource.enableMessageOrdering ? candidate.message.orderingKey : '';
      if (key && busyKeys.has(key)) continue;
      this.backlog.splice(i, 1);
      return candidate;
    }
    return undefined;
  }

  /** Offers the backlog to the streams in turn, one response per stream with everything it got. */
  private pump(): void {
    const batches = new Map<PullStream, ReceivedMessage[]>();
    for (;;) {
      const stream = this.streamWithRoom();
      if (!stream) break;
      const next = this.takeNext();
      if (!next) break;
      const batch = batches.get(stream) ?? [];
      batches.set(stream, batch);
      batch.push(this.lease(next, stream, stream.ackDeadlineSeconds));
    }
    for (const [stream, receivedMessages] of batches) stream.send(receivedMessages);
  }

  private streamWithRoom(): PullStream | undefined {
    for (let tried = 0; tried < this.streams.length; tried++) {
      const stream = this.streams[(this.nextStream + tried) % this.streams.length]!;
      if (this.hasRoom(stream)) {
        this.nextStream = (this.nextStream + tried + 1) % this.streams.length;
        return stream;
      }
    }
    return undefined;
  }

  private hasRoom(stream: PullStream): boolean {
    let count = 0;
    let bytes = 0;
    for (const lease of this.leases.values()) {
      if (lease.stream !== stream) continue;
      count++;
      bytes += lease.message.data.length;
    }
    if (stream.maxOutstandingMessages > 0 && count >= stream.maxOutstandingMessages) return false;
    return !(stream.maxOutstandingBytes > 0 && bytes >= stream.maxOutstandingBytes);
  }

  private lease(pending: Pending, stream: PullStream | undefined, deadlineSeconds: number): ReceivedMessage {
    const ackId = `${this.resource.name.split('/').pop()}-${++this.nextAckId}`;
    const lease: Lease = { ...pending, attempts: pending.attempts + 1, ackId, stream };
    this.leases.set(ackId, lease);
    this.startTimer(lease, deadlineSeconds);
    const { message } = lease;
    const publishMs = message.publishTime.getTime();
    return {
      ackId,
      message: {
        messageId: message.messageId,
        data: message.data,
        attributes: message.attributes,
        orderingKey: message.orderingKey,
        publishTime: { seconds: Math.floor(publishMs / 1000), nanos: (publishMs % 1000) * 1_000_000 },
      },
      deliveryAttempt: this.resource.deadLetterPolicy ? lease.attempts : 0,
    };
  }

  private startTimer(lease: Lease, seconds: number): void {
    clearTimeout(lease.timer);
    lease.timer = setTimeout(() => {
      this.redeliver(lease);
      this.pump();
    }, seconds * 1000);
    // A lease must not keep a test process alive; stop() clears them anyway.
    lease.timer.unref();
  }

  private release(lease: Lease): void {
    clearTimeout(lease.timer);
    this.leases.delete(lease.ackId);
  }

  private redeliver(lease: Lease): void {
    this.release(lease);
    const policy = this.resource.deadLetterPolicy;
    if (policy && lease.attempts >= (policy.maxDeliveryAttempts || DEFAULT_MAX_DELIVERY_ATTEMPTS)) {
      this.deadLetter(policy.deadLetterTopic, lease.message);
      return;
    }
    this.requeue({ message: lease.message, attempts: lease.attempts });
  }
}
