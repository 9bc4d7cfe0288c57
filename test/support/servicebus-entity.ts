import { randomUUID } from 'node:crypto';
import type { Message } from 'rhea';

/**
 * The broker side of one Service Bus queue (or dead-letter queue) in the loopback fake: sequence numbers,
 * peek-lock with lock tokens that expire, and the outcomes a receiver can give a message. It knows nothing
 * of AMQP links; servicebus-fake.ts moves messages between it and the wire.
 */

export interface Stored {
  sequenceNumber: number;
  enqueuedAt: Date;
  /** The message as the producer sent it (decoded), plus what the broker adds: a message id when it had none. */
  message: Message;
  /** Failed deliveries so far (abandons, expired locks): the AMQP header's delivery-count on the next delivery. */
  deliveryCount: number;
  lock?: { token: string; until: Date; timer: NodeJS.Timeout };
  deferred: boolean;
}

export type Outcome =
  | { kind: 'complete' }
  | { kind: 'abandon'; propertiesToModify?: Record<string, unknown> }
  | { kind: 'defer'; propertiesToModify?: Record<string, unknown> }
  | { kind: 'deadLetter'; reason?: string; description?: string; propertiesToModify?: Record<string, unknown> };

export interface Limits {
  lockDurationMs: number;
  /** Failed deliveries after which the message is dead-lettered (MaxDeliveryCountExceeded). */
  maxDeliveryCount: number;
}

export class Entity {
  /** Every message accepted from a producer, in order: what went over the wire. */
  readonly sent: Message[] = [];
  private readonly active: Stored[] = [];
  private nextSequenceNumber = 1;

  constructor(
    readonly name: string,
    private readonly limits: Limits,
    /** Called when a message becomes available (enqueued, abandoned, lock expired), so consumers are served. */
    private readonly onAvailable: () => void,
    /** Where a dead-lettered message goes. */
    private readonly deadLetterQueue: () => Entity,
  ) {}

  enqueue(sent: Message, fromProducer = true): void {
    if (fromProducer) this.sent.push(sent);
    // A copy: settling may change its properties, and `sent` keeps what went over the wire.
    const message = { ...sent } as Message;
    // The service gives every message an id; the client's lock renewal keys its timers by it.
    message.message_id ??= randomUUID().replaceAll('-', '');
    const sequenceNumber = this.nextSequenceNumber++;
    this.active.push({ sequenceNumber, enqueuedAt: new Date(), message, deliveryCount: 0, deferred: false });
    this.onAvailable();
  }

  hasAvailable(): boolean {
    return this.active.some(isAvailable);
  }

  /** The next available message: locked for peek-lock, removed for receive-and-delete. */
  take(mode: 'peekLock' | 'receiveAndDelete'): Stored | undefined {
    const stored = this.active.find(isAvailable);
    if (!stored) return undefined;
    if (mode === 'receiveAndDelete') this.remove(stored);
    else this.lock(stored);
    return stored;
  }

  /** Deferred messages by sequence number, locked (they stay deferred until completed); undefined if one is not deferred. */
  takeDeferred(sequenceNumbers: number[], mode: 'peekLock' | 'receiveAndDelete'): Stored[] | undefined {
    const isDeferred = (number: number) => (stored: Stored) => stored.sequenceNumber === number && stored.deferred && !stored.lock;
    const found = sequenceNumbers.map((number) => this.active.find(isDeferred(number)));
    if (found.some((stored) => stored === undefined)) return undefined;
    const taken = found as Stored[];
    for (const stored of taken) {
      if (mode === 'receiveAndDelete') this.remove(stored);
      else this.lock(stored);
    }
    return taken;
  }

  /** Settles the message under `lockToken`; false when the lock is no longer held (expired or settled). */
  settle(lockToken: string, outcome: Outcome): boolean {
    const stored = this.locked(lockToken);
    if (!stored) return false;
    this.unlock(stored);
    switch (outcome.kind) {
      case 'complete':
        this.remove(stored);
        break;
      case 'abandon':
        mergeProperties(stored.message, outcome.propertiesToModify);
        this.failedDelivery(stored);
        break;
      case 'defer':
        mergeProperties(stored.message, outcome.propertiesToModify);
        stored.deferred = true;
        break;
      case 'deadLetter':
        this.deadLetter(stored, outcome);
        break;
    }
    return true;
  }

  /** Gives a locked message back untouched: a release is not a failed delivery. */
  release(lockToken: string): boolean {
    const stored = this.locked(lockToken);
    if (!stored) return false;
    this.unlock(stored);
    this.onAvailable();
    return true;
  }

  /** Extends a held lock by the lock duration; undefined when it is no longer held. */
  renewLock(lockToken: string): Date | undefined {
    const stored = this.locked(lockToken);
    if (!stored) return undefined;
    this.unlock(stored);
    this.lock(stored, lockToken);
    return stored.lock!.until;
  }

  /** Active messages (available, locked or deferred) from a sequence number on, as peek returns them. */
  peek(fromSequenceNumber: number, count: number): Stored[] {
    return this.active.filter((stored) => stored.sequenceNumber >= fromSequenceNumber).slice(0, count);
  }

  /** What is in the queue now (available, locked or deferred). */
  messages(): Stored[] {
    return [...this.active];
  }

  close(): void {
    for (const stored of this.active) if (stored.lock) this.unlock(stored);
  }

  private failedDelivery(stored: Stored): void {
    stored.deliveryCount++;
    if (stored.deliveryCount < this.limits.maxDeliveryCount) return this.onAvailable();
    this.deadLetter(stored, {
      reason: 'MaxDeliveryCountExceeded',
      description: `Message could not be consumed after ${this.limits.maxDeliveryCount} delivery attempts.`,
    });
  }

  private deadLetter(stored: Stored, { reason, description, propertiesToModify }: Omit<Outcome & { kind: 'deadLetter' }, 'kind'>): void {
    this.remove(stored);
    mergeProperties(stored.message, {
      ...propertiesToModify,
      ...(reason !== undefined && { DeadLetterReason: reason }),
      ...(description !== undefined && { DeadLetterErrorDescription: description }),
    });
    stored.message.message_annotations = { ...stored.message.message_annotations, 'x-opt-deadletter-source': this.name };
    this.deadLetterQueue().enqueue(stored.message, false);
  }

  private locked(lockToken: string): Stored | undefined {
    return this.active.find((stored) => stored.lock?.token === lockToken);
  }

  private lock(stored: Stored, token: string = randomUUID()): void {
    const timer = setTimeout(() => {
      // As the service does: an expired lock counts as a failed delivery.
      stored.lock = undefined;
      this.failedDelivery(stored);
    }, this.limits.lockDurationMs);
    timer.unref();
    stored.lock = { token, until: new Date(Date.now() + this.limits.lockDurationMs), timer };
  }

  private unlock(stored: Stored): void {
    clearTimeout(stored.lock?.timer);
    stored.lock = undefined;
  }

  private remove(stored: Stored): void {
    this.active.splice(this.active.indexOf(stored), 1);
  }
}

function isAvailable(stored: Stored): boolean {
  return !stored.lock && !stored.deferred;
}

function mergeProperties(message: Message, properties: Record<string, unknown> | undefined): void {
  if (properties && Object.keys(properties).length > 0) {
    message.application_properties = { ...message.application_properties, ...properties };
  }
}
