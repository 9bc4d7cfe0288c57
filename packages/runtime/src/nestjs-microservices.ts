// otelify runtime for `@nestjs/microservices`: a client proxy's `emit`/`send`, and `@EventPattern` /
// `@MessagePattern` handlers. Nest picks the transport where a client or a microservice is set up, often in
// another module than the call or the handler, so the transport is told here, at run time, from the client's
// or the handler context's class. Nothing of Nest (or rxjs) is imported: the runtime depends on
// @opentelemetry/api only, and the objects Nest hands over are used through what they are known to have.
import { context, propagation, trace, SpanKind, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { extractContext, type CarrierFormat } from './queues.js';
import { failSpan, isThenable, tracer } from './shared.js';

/** Where a transport's serialized packet keeps headers; `undefined`: it sends none (Redis, TCP). */
type PacketHeaders = 'rmq' | 'kafka' | 'nats' | undefined;

/** The client proxies of Nest's transports, by class name, with their `messaging.system`. */
const CLIENT_TRANSPORTS: Record<string, { system: string; headers: PacketHeaders }> = {
  ClientRMQ: { system: 'rabbitmq', headers: 'rmq' },
  ClientKafka: { system: 'kafka', headers: 'kafka' },
  ClientNats: { system: 'nats', headers: 'nats' },
  ClientRedis: { system: 'redis', headers: undefined },
  ClientTCP: { system: 'tcp', headers: undefined },
  ClientMqtt: { system: 'mqtt', headers: undefined },
};

/** The first name of `value`'s class chain found in `names` (a user's subclass of `ClientRMQ` counts as it). */
function classIn<T>(value: object, names: Record<string, T>): T | undefined {
  for (let proto: unknown = Object.getPrototypeOf(value); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(names, name)) return names[name];
  }
  return undefined;
}

/** What `traceNestClient` uses of a Nest client proxy (its protected members included). */
interface NestClient {
  serializer?: { serialize(packet: unknown, options?: unknown): unknown };
  options?: { headers?: Record<string, unknown> };
  dispatchEvent?(packet: NestPacket): Promise<unknown>;
  /** ClientKafka's `emitBatch`: `data` is `{ messages }`, each serialized and sent in one produce request. */
  dispatchBatchEvent?(packets: NestPacket): Promise<unknown>;
  publish?(packet: NestPacket, callback: (result: { err?: unknown; isDisposed?: boolean }) => void): () => void;
  normalizePattern?(pattern: unknown): string;
  mergeHeaders?(headers: unknown): unknown;
}

interface NestPacket {
  pattern: unknown;
  data: unknown;
}

/** A NATS `MsgHdrs`, as far as it is used here. */
interface NatsHeaders {
  has(key: string): boolean;
  set(key: string, value: string): void;
  get(key: string): string;
  keys(): string[];
  values?(key: string): string[];
  append?(key: string, value: string): void;
}

const tracedClients = new WeakSet<object>();

/** The active context's propagation fields that neither the message nor the client's static headers set. */
function missingFields(isSet: (key: string) => boolean, staticHeaders: Record<string, unknown> | undefined): [string, string][] {
  const fields: Record<string, string> = {};
  propagation.inject(context.active(), fields);
  return Object.entries(fields).filter(([key]) => !isSet(key) && !(staticHeaders && key in staticHeaders));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** An object a copy with one more property stands for; a class instance (a Buffer) would lose its prototype. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value) || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/**
 * The serialized packet with the active context in its headers, as the transport sends them; copies replace
 * the objects on the way (a record's options, a user's header object), so nothing the caller holds changes.
 */
function withContext(client: NestClient, kind: PacketHeaders, serialized: unknown): unknown {
  // A serializer of the user's may answer with something else (a Buffer): it is sent as it is, without the context.
  if (!kind || !isPlainRecord(serialized)) return serialized;
  const staticHeaders = client.options?.headers;
  if (kind === 'rmq') {
    // ClientRMQ sends `options` (an RmqRecord's) as amqplib's publish options, merging its static headers in.
    const options = isRecord(serialized['options']) ? serialized['options'] : {};
    const headers = isRecord(options['headers']) ? options['headers'] : {};
    const fields = missingFields((key) => key in headers, staticHeaders);
    if (fields.length === 0) return serialized;
    return { ...serialized, options: { ...options, headers: { ...headers, ...Object.fromEntries(fields) } } };
  }
  if (kind === 'kafka') {
    const headers = isRecord(serialized['headers']) ? serialized['headers'] : {};
    const fields = missingFields((key) => key in headers, staticHeaders);
    if (fields.length === 0) return serialized;
    return { ...serialized, headers: { ...headers, ...Object.fromEntries(fields) } };
  }
  const existing = serialized['headers'] as NatsHeaders | undefined;
  const fields = missingFields((key) => !!existing?.has(key), staticHeaders);
  // NATS takes only its own `MsgHdrs`. ClientNats's `mergeHeaders` makes one with the nats package it loaded
  // when the client has static headers: called on a stand-in that has an empty set of them, it returns a new,
  // empty `MsgHdrs` without otelify loading nats itself.
  const fresh = fields.length > 0 ? (client.mergeHeaders?.call({ options: { headers: {} } }, undefined) as NatsHeaders | undefined) : undefined;
  if (!fresh || typeof fresh.set !== 'function') return serialized;
  // A record's headers may be shared by many messages: the fields go into a copy.
  for (const key of existing?.keys() ?? []) {
    for (const value of existing!.values?.(key) ?? [existing!.get(key)]) {
      if (fresh.append) fresh.append(key, value);
      else fresh.set(key, value);
    }
  }
  for (const [key, value] of fields) fresh.set(key, value);
  return { ...serialized, headers: fresh };
}

function producerSpan(system: string, operation: string, client: NestClient, pattern: unknown, batch?: number): Span {
  let destination: string | undefined;
  try {
    destination = client.normalizePattern ? client.normalizePattern(pattern) : typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  } catch {
    destination = undefined;
  }
  const attributes: Attributes = {
    'messaging.system': system,
    'messaging.operation.name': operation,
    'messaging.operation.type': 'send',
    ...(destination ? { 'messaging.destination.name': destination } : {}),
    ...(batch !== undefined && batch > 1 ? { 'messaging.batch.message_count': batch } : {}),
  };
  return tracer().startSpan(destination ? `${operation} ${destination}` : operation, { kind: SpanKind.PRODUCER, attributes });
}

/**
 * Instruments a NestJS client proxy (`ClientRMQ`, `ClientKafka`, `ClientNats`, `ClientRedis`, `ClientTCP`, `ClientMqtt`) in
 * place and returns it: each `emit` runs in a PRODUCER span `publish <pattern>`, each `send` in one named
 * `send <pattern>`, and the span's context goes into the message's headers where the transport sends headers
 * (RabbitMQ, Kafka, NATS; Redis, TCP and MQTT send none, so their consumers start new traces). A client is
 * instrumented once, however many call sites hand it over; any other value is returned untouched.
 */
export function traceNestClient<T>(client: T): T {
  if (!isRecord(client) || tracedClients.has(client)) return client;
  const transport = classIn(client, CLIENT_TRANSPORTS);
  const nest = client as NestClient;
  if (!transport || typeof nest.dispatchEvent !== 'function' || typeof nest.publish !== 'function') return client;
  tracedClients.add(client);
  const { system, headers } = transport;
  // The client gets its own serializer: the one it has may be the user's, shared with other clients.
  const serializer = nest.serializer;
  if (headers && serializer && typeof serializer.serialize === 'function') {
    const own = Object.create(serializer) as NonNullable<NestClient['serializer']>;
    own.serialize = (packet: unknown, options?: unknown) => {
      const serialized = serializer.serialize(packet, options);
      // Kafka serializers may answer with a promise. Both `dispatchEvent` and `publish` call `serialize` in
      // the span's context, so the active context is the span when the fields are read.
      const active = context.active();
      return isThenable(serialized) ? Promise.resolve(serialized).then((value) => context.with(active, () => withContext(nest, headers, value))) : withContext(nest, headers, serialized);
    };
    nest.serializer = own;
  }
  // `emit` (and ClientKafka's `emitBatch`, one span for the batch): the span ends when the transport settles the
  // dispatch (RabbitMQ's confirm, Kafka's acknowledged send, Redis's publish reply, NATS's hand-over to the
  // connection), so it covers the send and its failure.
  nest.dispatchEvent = dispatchInSpan(nest, system, nest.dispatchEvent.bind(client), () => undefined);
  if (typeof nest.dispatchBatchEvent === 'function') {
    nest.dispatchBatchEvent = dispatchInSpan(nest, system, nest.dispatchBatchEvent.bind(client), (packet) => {
      const messages = isRecord(packet?.data) ? packet.data['messages'] : undefined;
      return Array.isArray(messages) ? messages.length : undefined;
    });
  }
  const publish = nest.publish.bind(client);
  // `send`: a request the caller waits on, so the span ends with its answer (the last one of a stream), an
  // error (sending it, or the handler's), or when the caller stops waiting (unsubscribes, times out).
  nest.publish = (packet, callback) => {
    const span = producerSpan(system, 'send', nest, packet?.pattern);
    const settle = endOnce(span);
    const observed: typeof callback = (result) => {
      if (result?.err !== undefined && result.err !== null) settle(result.err);
      else if (result?.isDisposed) settle();
      callback(result);
    };
    let teardown: () => void;
    try {
      teardown = context.with(trace.setSpan(context.active(), span), () => publish(packet, observed));
    } catch (error) {
      settle(error);
      throw error;
    }
    return () => {
      settle();
      teardown?.();
    };
  };
  return client;
}

/** Ends the span the first time it is called, failed when given an error. */
/** A dispatch of the client's run in a PRODUCER span that ends when the dispatch settles. */
function dispatchInSpan(client: NestClient, system: string, dispatch: (packet: NestPacket) => Promise<unknown>, batchSize: (packet: NestPacket) => number | undefined) {
  return (packet: NestPacket): Promise<unknown> => {
    const span = producerSpan(system, 'publish', client, packet?.pattern, batchSize(packet));
    const settle = endOnce(span);
    try {
      const sent = context.with(trace.setSpan(context.active(), span), () => dispatch(packet));
      return Promise.resolve(sent).then(
        (value) => {
          settle();
          return value;
        },
        (error: unknown) => {
          settle(error);
          throw error;
        },
      );
    } catch (error) {
      settle(error);
      throw error;
    }
  };
}

function endOnce(span: Span): (error?: unknown) => void {
  let ended = false;
  return (...args: unknown[]) => {
    if (ended) return;
    ended = true;
    if (args.length > 0) failSpan(span, args[0]);
    span.end();
  };
}

/** What an interceptor is handed, as far as it is used here (Nest's `ExecutionContext`, `CallHandler`). */
interface ExecutionContextLike {
  getType(): string;
  switchToRpc(): { getContext(): unknown };
}
interface ObservableLike {
  subscribe(observer: { next(value: unknown): void; error(error: unknown): void; complete(): void }): { unsubscribe(): void };
}
interface CallHandlerLike {
  handle(): ObservableLike;
}
interface SubscriberLike {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * A NestJS interceptor, typed without Nest: `intercept` answers an rxjs Observable, which the runtime cannot
 * name without importing rxjs, so the answer is `any` (what Nest's `NestInterceptor` accepts).
 */
export interface NestMessageInterceptor {
  intercept(context: ExecutionContextLike, next: CallHandlerLike): any;
}

/** What a handler's RPC context (`RmqContext`, `KafkaContext`, ...) says of its message. */
interface Incoming {
  system: string;
  destination?: string | undefined;
  headers?: unknown;
  format?: CarrierFormat;
}

/** Calls a getter method of an RPC context, if it has it. */
function ask(target: unknown, method: string): unknown {
  const fn = isRecord(target) ? (target as Record<string, unknown>)[method] : undefined;
  return typeof fn === 'function' ? (fn as () => unknown).call(target) : undefined;
}

function nameOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

const RPC_CONTEXTS: Record<string, (rpc: unknown) => Incoming> = {
  RmqContext: (rpc) => {
    const message = ask(rpc, 'getMessage') as { properties?: { headers?: unknown } } | undefined;
    return { system: 'rabbitmq', destination: nameOf(ask(rpc, 'getPattern')), headers: message?.properties?.headers };
  },
  KafkaContext: (rpc) => {
    const message = ask(rpc, 'getMessage') as { headers?: unknown } | undefined;
    return { system: 'kafka', destination: nameOf(ask(rpc, 'getTopic')), headers: message?.headers };
  },
  NatsContext: (rpc) => ({ system: 'nats', destination: nameOf(ask(rpc, 'getSubject')), headers: ask(rpc, 'getHeaders'), format: 'nats' }),
  RedisContext: (rpc) => ({ system: 'redis', destination: nameOf(ask(rpc, 'getChannel')) }),
  TcpContext: (rpc) => ({ system: 'tcp', destination: nameOf(ask(rpc, 'getPattern')) }),
  MqttContext: (rpc) => ({ system: 'mqtt', destination: nameOf(ask(rpc, 'getTopic')) }),
};

/** The message an RPC call handles, as its RPC context tells it; `undefined` for anything but an RPC call. */
function incomingOf(execution: ExecutionContextLike): Incoming | undefined {
  const rpc = execution.getType() === 'rpc' ? execution.switchToRpc().getContext() : undefined;
  return isRecord(rpc) ? classIn(rpc, RPC_CONTEXTS)?.(rpc) : undefined;
}

function consumerSpan(incoming: Incoming, parent: Context): Span {
  const { system, destination } = incoming;
  const attributes: Attributes = {
    'messaging.system': system,
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    ...(destination ? { 'messaging.destination.name': destination } : {}),
  };
  return tracer().startSpan(destination ? `process ${destination}` : 'process', { kind: SpanKind.CONSUMER, attributes }, parent);
}

/**
 * The interceptor otelify adds to `@EventPattern` / `@MessagePattern` methods (`@UseInterceptors(...)`): each
 * message the method handles runs in a CONSUMER span whose parent is the producer's context taken from the
 * message's headers, with the producer's baggage active in the handler. An interceptor, not a wrapper of the
 * method: Nest calls the method with the parameters it declares only, so the message's headers are read from
 * the RPC context Nest gives its interceptors. Anything but an RPC call passes through.
 */
export const nestMessageInterceptor: NestMessageInterceptor = {
  intercept(execution, next) {
    const incoming = incomingOf(execution);
    if (!incoming) return next.handle();
    const parent = extractContext(incoming.headers, incoming.format);
    const span = consumerSpan(incoming, parent);
    // Nest binds what `handle()` will run to the async context it is called in (AsyncResource.bind), so
    // calling it here runs the handler, its pipes and the interceptors after this one in the span's context.
    const handled = context.with(trace.setSpan(parent, span), () => next.handle());
    const settle = endOnce(span);
    // The span must end when the handler's Observable completes or fails: a new Observable of the same class
    // (rxjs's, as Nest loaded it) relays it and ends the span, on unsubscription too.
    const Observable = (handled as unknown as { constructor: new (subscribe: (subscriber: SubscriberLike) => () => void) => unknown }).constructor;
    return new Observable((subscriber) => {
      const subscription = handled.subscribe({
        next: (value) => subscriber.next(value),
        error: (error) => {
          settle(error);
          subscriber.error(error);
        },
        complete: () => {
          settle();
          subscriber.complete();
        },
      });
      return () => {
        settle();
        subscription.unsubscribe();
      };
    });
  },
};

/**
 * The interceptor otelify adds instead to a handler that starts a CONSUMER span of its own: the producer's
 * context taken from the message (its span, its baggage) is made current around the handler, so that span
 * continues the producer's trace, and no second span is made.
 */
export const nestMessageContext: NestMessageInterceptor = {
  intercept(execution, next) {
    const incoming = incomingOf(execution);
    if (!incoming) return next.handle();
    // As above: `handle()` binds the handler to the async context it is called in.
    return context.with(extractContext(incoming.headers, incoming.format), () => next.handle());
  },
};
