import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import rhea, { type Connection, type Delivery, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { Entity, type Outcome } from './servicebus-entity.js';
import { encodeForDelivery, lockTokenToTag, queuedView, unpack, view, type QueuedMessage, type SentMessage } from './servicebus-messages.js';

export type { QueuedMessage, SentMessage } from './servicebus-messages.js';

/**
 * A loopback Azure Service Bus for execution tests: an AMQP 1.0 peer (rhea's container, listening on a free
 * port of 127.0.0.1) that the real `@azure/service-bus` client accepts. It does what the client needs of the
 * service: SASL, claims-based security on `$cbs` (a link to an entity is refused until a token for it was put),
 * queues with sequence numbers and peek-lock (lock tokens in delivery tags, as the service lays them out),
 * batches (message format 0x80013700), credit and drain, settlement (complete, abandon with a higher delivery
 * count, defer, dead-letter to `<queue>/$DeadLetterQueue`, by hand or after too many failed deliveries),
 * expiring locks, and the `$management` operations a receiver makes: renew-lock, peek-message,
 * receive-by-sequence-number (deferred messages) and update-disposition (settling those). Any address is a
 * queue, created when first used; there are no topics, sessions, scheduling or transactions.
 */

/** The Standard tier's limit: what a batch from createMessageBatch may hold. */
const MAX_MESSAGE_SIZE = 256 * 1024;
const DEAD_LETTER_QUEUE = '/$DeadLetterQueue';
const MANAGEMENT = '/$management';
const CBS = '$cbs';
const TIMESTAMP_ARRAY = 0x83;

export interface ServiceBusFake {
  connectionString: string;
  port: number;
  /** Every message a producer put on `queue`, in order, a batch's messages one by one. */
  sent(queue: string): SentMessage[];
  /** What `queue` holds now; its dead letters are in `<queue>/$DeadLetterQueue`. */
  queued(queue: string): QueuedMessage[];
  /** How many receiving links clients have opened on `queue` (the client opens another when it gives up on one). */
  receiverLinks(queue: string): number;
  /** The `$management` operations asked for, in order, e.g. `com.microsoft:renew-lock`. */
  readonly managementRequests: string[];
  /** Protocol errors the fake met (unknown link, bad request): a test that expects none asserts it is empty. */
  readonly errors: string[];
  /** Close the clients first: a client whose connection drops tries to reconnect. */
  stop(): Promise<void>;
}

/** The defaults are the service's: a lock of a minute, dead-lettering after the tenth failed delivery. */
export async function startServiceBusFake(
  options: { lockDurationMs?: number; maxDeliveryCount?: number } = {},
): Promise<ServiceBusFake> {
  const lockDurationMs = options.lockDurationMs ?? 60_000;
  const maxDeliveryCount = options.maxDeliveryCount ?? 10;
  // We settle what we receive once it is stored, and tell abandon (modified) from release.
  const container = rhea.create_container({ id: 'servicebus-fake', autoaccept: false, treat_modified_as_released: false });
  container.sasl_server_mechanisms.enable_anonymous();
  container.sasl_server_mechanisms.enable_plain(() => true);

  const entities = new Map<string, Entity>();
  const consumers = new Map<string, Set<Sender>>();
  const receiverLinks = new Map<string, number>();
  const held = new WeakMap<Delivery, { entity: Entity; lockToken?: string }>();
  const authorized = new WeakMap<Connection, Set<string>>();
  const pendingReplies = new Map<Sender, Message[]>();
  const managementRequests: string[] = [];
  const errors: string[] = [];

  function entity(name: string): Entity {
    let found = entities.get(name);
    if (!found) {
      // A dead-letter queue keeps what it holds, however often it is abandoned.
      const limits = { lockDurationMs, maxDeliveryCount: name.endsWith(DEAD_LETTER_QUEUE) ? Infinity : maxDeliveryCount };
      found = new Entity(name, limits, () => serve(name), () => entity(name + DEAD_LETTER_QUEUE));
      entities.set(name, found);
    }
    return found;
  }

  /** Sends available messages to the queue's consumers while they have credit. */
  function serve(name: string): void {
    const queue = entity(name);
    for (const sender of consumers.get(name) ?? []) {
      if (!sender.is_open()) {
        consumers.get(name)!.delete(sender);
        continue;
      }
      while (sender.sendable() && queue.hasAvailable()) deliver(sender, queue);
    }
  }

  function deliver(sender: Sender, queue: Entity): void {
    // The client asks for settled deliveries (snd-settle-mode 1) in receive-and-delete mode.
    const mode = sender.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
    const stored = queue.take(mode)!;
    const lock = stored.lock;
    const tag = lock ? lockTokenToTag(lock.token) : randomBytes(16);
    const delivery = sender.send(encodeForDelivery(stored, lock?.until), tag, 0);
    held.set(delivery, { entity: queue, lockToken: lock?.token });
  }

  function isAuthorized(connection: Connection, address: string): boolean {
    return authorized.get(connection)?.has(address) ?? false;
  }

  function refuse(link: Sender | Receiver, address: string): void {
    errors.push(`link to ${address} before a put-token for it`);
    link.close({ condition: 'amqp:unauthorized-access', description: `no token was put for ${address}` });
  }

  // The client's receiver: our sender. Request-response nodes answer on it; an entity delivers on it.
  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender!;
    const address = String(sender.source?.address ?? '');
    mirrorAttach(sender);
    if (address === CBS || address.endsWith(MANAGEMENT)) return;
    if (!isAuthorized(context.connection, address)) return refuse(sender, address);
    if (!consumers.has(address)) consumers.set(address, new Set());
    consumers.get(address)!.add(sender);
    receiverLinks.set(address, (receiverLinks.get(address) ?? 0) + 1);
  });

  container.on('sendable', (context: EventContext) => {
    const sender = context.sender!;
    const replies = pendingReplies.get(sender);
    while (replies?.length && sender.sendable()) sender.send(replies.shift()!);
    const address = String(sender.source?.address ?? '');
    if (consumers.get(address)?.has(sender)) serve(address);
  });

  container.on('sender_draining', (context: EventContext) => {
    const sender = context.sender!;
    const address = String(sender.source?.address ?? '');
    if (consumers.get(address)?.has(sender)) serve(address);
    // Nothing more to send now: give back the rest of the credit, as a drain asks.
    sender.set_drained(true);
  });

  container.on('sender_close', (context: EventContext) => {
    const sender = context.sender!;
    consumers.get(String(sender.source?.address ?? ''))?.delete(sender);
    pendingReplies.delete(sender);
  });

  // The client's sender: our receiver.
  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver!;
    const address = String(receiver.target?.address ?? '');
    mirrorAttach(receiver);
    localAttach(receiver).max_message_size = MAX_MESSAGE_SIZE;
    if (address === CBS || address.endsWith(MANAGEMENT)) return;
    if (!isAuthorized(context.connection, address)) refuse(receiver, address);
  });

  container.on('message', (context: EventContext) => {
    const receiver = context.receiver!;
    const delivery = context.delivery!;
    const address = String(receiver.target?.address ?? '');
    try {
      if (address === CBS) reply(context, putToken(context));
      else if (address.endsWith(MANAGEMENT)) reply(context, manage(address.slice(0, -MANAGEMENT.length), context.message!));
      else for (const message of unpack(context.message!, (context as { format?: number }).format)) entity(address).enqueue(message);
      delivery.accept();
    } catch (error) {
      errors.push(`${address}: ${(error as Error).message}`);
      delivery.reject({ condition: 'amqp:internal-error', description: (error as Error).message });
    }
  });

  function putToken(context: EventContext): Message {
    const request = context.message!;
    const properties = request.application_properties ?? {};
    if (properties.operation !== 'put-token') throw new Error(`$cbs: unknown operation ${String(properties.operation)}`);
    // The audience names the entity: sb://host:port/<entity path>.
    const entityPath = new URL(String(properties.name)).pathname.slice(1);
    if (!authorized.has(context.connection)) authorized.set(context.connection, new Set());
    authorized.get(context.connection)!.add(entityPath);
    return { body: undefined, application_properties: { 'status-code': 200, 'status-description': 'OK' } };
  }

  function manage(entityPath: string, request: Message): Message {
    const operation = String(request.application_properties?.operation);
    managementRequests.push(operation);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const queue = entity(entityPath);
    const lockTokens = () => ((body['lock-tokens'] ?? []) as Buffer[]).map((bytes) => rhea.uuid_to_string(bytes));
    switch (operation) {
      case 'com.microsoft:renew-lock': {
        const expirations = lockTokens().map((token) => queue.renewLock(token));
        if (expirations.some((until) => until === undefined)) return lockLost();
        return ok({ expirations: rhea.types.wrap_array(expirations, TIMESTAMP_ARRAY, undefined) });
      }
      case 'com.microsoft:peek-message': {
        const peeked = queue.peek(longToNumber(body['from-sequence-number'] as number | Buffer), Number(body['message-count']));
        if (peeked.length === 0) return status(204, 'No Content');
        return ok({ messages: peeked.map((stored) => ({ message: encodeForDelivery(stored) })) });
      }
      case 'com.microsoft:receive-by-sequence-number': {
        const sequenceNumbers = (body['sequence-numbers'] as (number | Buffer)[]).map(longToNumber);
        const taken = queue.takeDeferred(sequenceNumbers, body['receiver-settle-mode'] === 0 ? 'receiveAndDelete' : 'peekLock');
        if (!taken) return status(404, 'No deferred message has one of these sequence numbers.', 'com.microsoft:message-not-found');
        const messages = taken.map((stored) => ({
          message: encodeForDelivery(stored, stored.lock?.until),
          // Unlike a delivery tag, read in the order it is written.
          ...(stored.lock && { 'lock-token': rhea.types.wrap_uuid(rhea.string_to_uuid(stored.lock.token)) }),
        }));
        return ok({ messages });
      }
      case 'com.microsoft:update-disposition': {
        const outcome = dispositionOutcome(body);
        if (!lockTokens().every((token) => queue.settle(token, outcome))) return lockLost();
        return ok(undefined);
      }
      default:
        errors.push(`$management: ${operation} is not implemented`);
        return status(501, `the Service Bus fake does not implement ${operation}`);
    }
  }

  /** Answers a request on the reply link the client named in reply_to. */
  function reply(context: EventContext, response: Message): void {
    const request = context.message!;
    const replyTo = String(request.reply_to);
    const sender = context.connection.find_sender((link: Sender) => link.name === replyTo || link.target?.address === replyTo);
    if (!sender) throw new Error(`no reply link named ${replyTo}`);
    response.correlation_id = request.message_id;
    if (sender.sendable()) sender.send(response);
    else pendingReplies.set(sender, [...(pendingReplies.get(sender) ?? []), response]);
  }

  // Settlement of what we delivered. The client settles second (rcv-settle-mode 1): it waits for ours.
  const settleWith = (outcomeOf: (context: EventContext) => Outcome | 'release') => (context: EventContext) => {
    const delivery = context.delivery!;
    const delivered = held.get(delivery);
    if (!delivered?.lockToken) return;
    const outcome = outcomeOf(context);
    const settled =
      outcome === 'release' ? delivered.entity.release(delivered.lockToken) : delivered.entity.settle(delivered.lockToken, outcome);
    delivery.update(true, settled ? settledState(delivery) : lockLostOutcome());
  };
  container.on('accepted', settleWith(() => ({ kind: 'complete' })));
  container.on('released', settleWith(() => 'release'));
  container.on('modified', settleWith(modifiedOutcome));
  container.on('rejected', settleWith(rejectedOutcome));

  container.on('disconnected', (context: EventContext) => {
    for (const links of consumers.values()) {
      for (const sender of links) if (sender.connection === context.connection) links.delete(sender);
    }
  });
  container.on('error', (error: Error) => errors.push(error.message));

  const server = container.listen({ host: '127.0.0.1', port: 0 });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=fake;SharedAccessKey=ZmFrZQ==;UseDevelopmentEmulator=true`,
    sent: (queue) => (entities.get(queue)?.sent ?? []).map(view),
    queued: (queue) => (entities.get(queue)?.messages() ?? []).map(queuedView),
    receiverLinks: (queue) => receiverLinks.get(queue) ?? 0,
    managementRequests,
    errors,
    async stop() {
      for (const queue of entities.values()) queue.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function modifiedOutcome(context: EventContext): Outcome {
  const state = context.delivery!.remote_state as { undeliverable_here?: boolean; message_annotations?: Record<string, unknown> };
  // abandonMessage sends modified; deferMessage sends modified with undeliverable-here.
  return { kind: state.undeliverable_here ? 'defer' : 'abandon', propertiesToModify: state.message_annotations };
}

function rejectedOutcome(context: EventContext): Outcome {
  const state = context.delivery!.remote_state as { error?: { info?: Record<string, unknown> } };
  const { DeadLetterReason, DeadLetterErrorDescription, ...propertiesToModify } = state.error?.info ?? {};
  return {
    kind: 'deadLetter',
    reason: DeadLetterReason as string | undefined,
    description: DeadLetterErrorDescription as string | undefined,
    propertiesToModify,
  };
}

function dispositionOutcome(body: Record<string, unknown>): Outcome {
  const propertiesToModify = body['properties-to-modify'] as Record<string, unknown> | undefined;
  switch (body['disposition-status']) {
    case 'completed':
      return { kind: 'complete' };
    case 'abandoned':
      return { kind: 'abandon', propertiesToModify };
    case 'defered':
      return { kind: 'defer', propertiesToModify };
    case 'suspended':
      return {
        kind: 'deadLetter',
        reason: body['deadletter-reason'] as string | undefined,
        description: body['deadletter-description'] as string | undefined,
        propertiesToModify,
      };
    default:
      throw new Error(`unknown disposition-status ${String(body['disposition-status'])}`);
  }
}

/** rhea reads an AMQP long as a number, or as its 8 bytes when it does not fit in one. */
function longToNumber(value: number | Buffer): number {
  return typeof value === 'number' ? value : Number(value.readBigInt64BE());
}

function ok(body: unknown): Message {
  return { ...status(200, 'OK'), body };
}

function status(code: number, description: string, condition?: string): Message {
  return {
    body: undefined,
    application_properties: { statusCode: code, statusDescription: description, ...(condition && { 'error-condition': condition }) },
  };
}

function lockLost(): Message {
  return status(410, 'The lock supplied is invalid: it expired or the message was settled.', 'com.microsoft:message-lock-lost');
}

type Outcomes = Record<'rejected', (fields: object) => { described(): unknown }>;

/**
 * The state we settle with: the client's own outcome, but a dead-letter's rejected outcome without its error,
 * which the client would take for a failed settlement.
 */
function settledState(delivery: Delivery): unknown {
  const state = delivery.remote_state as { described(): unknown; constructor: { composite_type?: string } };
  const rejected = state.constructor.composite_type === 'rejected';
  return rejected ? (rhea.message as unknown as Outcomes).rejected({}).described() : state.described();
}

function lockLostOutcome(): unknown {
  const error = { condition: 'com.microsoft:message-lock-lost', description: 'The lock supplied is invalid.' };
  return (rhea.message as unknown as Outcomes).rejected({ error }).described();
}

/** Our end of a link the client opened takes its terminus and settle modes. */
function mirrorAttach(link: Sender | Receiver): void {
  if (link.source) link.set_source(link.source);
  if (link.target) link.set_target(link.target);
  const attach = localAttach(link);
  attach.snd_settle_mode = link.snd_settle_mode;
  attach.rcv_settle_mode = link.rcv_settle_mode;
}

interface AttachFields {
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
}

/** The attach frame we will send for a link (rhea's typings leave it out). */
function localAttach(link: Sender | Receiver): AttachFields {
  return (link as unknown as { local: { attach: AttachFields } }).local.attach;
}
