import rhea, { type Message } from 'rhea';
import type { Stored } from './servicebus-entity.js';

/** How the Service Bus fake's messages look on the wire (batches, deliveries, lock tokens) and to a test. */

const BATCH_FORMAT = 0x80013700;

export interface SentMessage {
  /** As the client decodes it: a data section's JSON, else its bytes; a value or sequence section's content. */
  body: unknown;
  applicationProperties: Record<string, unknown>;
  messageId?: unknown;
  correlationId?: unknown;
  contentType?: string;
  subject?: string;
  sessionId?: string;
  /** The whole AMQP message, decoded by rhea. */
  amqp: Message;
}

export interface QueuedMessage extends SentMessage {
  sequenceNumber: number;
  deliveryCount: number;
  state: 'available' | 'locked' | 'deferred';
}

/** The messages of a transfer: a batch (message format 0x80013700) holds one encoded message per data section. */
export function unpack(message: Message, format: number | undefined): Message[] {
  // rhea decodes a standard message (format 0) and hands over the bytes of any other.
  if (format === undefined) return [message];
  if (format !== BATCH_FORMAT) throw new Error(`unknown message format 0x${format.toString(16)}`);
  const envelope = decode(message as unknown as Buffer);
  const section = envelope.body as { content: Buffer | Buffer[]; multiple?: boolean };
  const parts = section.multiple ? (section.content as Buffer[]) : [section.content as Buffer];
  return parts.map(decode);
}

function decode(bytes: Buffer): Message {
  return rhea.message.decode(bytes) as unknown as Message;
}

/** The message as a receiver gets it: the broker's annotations added, the delivery count in the header. */
export function encodeForDelivery(stored: Stored, lockedUntil?: Date): Buffer {
  return rhea.message.encode({
    ...stored.message,
    delivery_count: stored.deliveryCount,
    message_annotations: {
      ...stored.message.message_annotations,
      'x-opt-sequence-number': rhea.types.wrap_long(stored.sequenceNumber),
      'x-opt-enqueued-time': stored.enqueuedAt,
      ...(lockedUntil && { 'x-opt-locked-until': lockedUntil }),
    },
  });
}

/**
 * The client reads a lock token from the delivery tag with .NET's GUID byte order (the first three groups
 * reversed) and sends it back in that order: the tag is the token with those groups swapped.
 */
export function lockTokenToTag(lockToken: string): Buffer {
  const bytes = rhea.string_to_uuid(lockToken);
  return Buffer.from([bytes[3]!, bytes[2]!, bytes[1]!, bytes[0]!, bytes[5]!, bytes[4]!, bytes[7]!, bytes[6]!, ...bytes.subarray(8)]);
}

export function view(message: Message): SentMessage {
  return {
    body: decodeBody(message.body),
    applicationProperties: message.application_properties ?? {},
    messageId: message.message_id,
    correlationId: message.correlation_id,
    contentType: message.content_type,
    subject: message.subject,
    sessionId: message.group_id,
    amqp: message,
  };
}

export function queuedView(stored: Stored): QueuedMessage {
  const state = stored.lock ? 'locked' : stored.deferred ? 'deferred' : 'available';
  return { ...view(stored.message), sequenceNumber: stored.sequenceNumber, deliveryCount: stored.deliveryCount, state };
}

function decodeBody(body: unknown): unknown {
  const section = body as { typecode?: number; content?: unknown } | undefined;
  if (section?.typecode === undefined) return body;
  if (section.typecode !== 0x75 || !Buffer.isBuffer(section.content)) return section.content;
  try {
    return JSON.parse(section.content.toString('utf8'));
  } catch {
    return section.content;
  }
}
