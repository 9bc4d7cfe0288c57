// otelify runtime for message queues: what rewritten producers and consumers call. It depends on
// @opentelemetry/api only.
// Rewritten call sites describe each message with a small spec; paths such as 'message.headers' are read
// from the handler's first argument, and 'messages[].headers' visits every element of an array.
import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { decodeText, errorType, isThenable, tracer } from './shared.js';

/** How propagation fields are stored in a carrier. */
export type CarrierFormat = 'record' | 'sqs' | 'json' | 'nats';

export interface SendSpec {
  system: string;
  operation: string;
  destination?: string;
  /** Number of messages when one call sends several. */
  batch?: number;
  attributes?: Attributes;
}

export interface ProcessSpec {
  system: string;
  operation?: string;
  destination?: string;
  /** Path to the destination name in the handler's first argument, when it is only known per message. */
  destinationFrom?: string;
  /** Path to the message in the handler's argument ('' = the argument itself). */
  message?: string;
  /** Which handler argument carries the message (default 0; NATS callbacks get `(err, msg)`). */
  payloadArg?: number;
  /** Path to the carrier inside the message. */
  headers: string;
  format?: CarrierFormat;
  /** Path to the message id inside the message. */
  id?: string;
  attributes?: Attributes;
}

export interface BatchSpec extends ProcessSpec {
  /** Path to the array of messages in the handler's first argument. */
  messages: string;
}

/** SQS and SNS reject a message with more than 10 message attributes. */
const MAX_SQS_ATTRIBUTES = 10;

function spanName(operation: string, destination: string | undefined): string {
  return destination ? `${operation} ${destination}` : operation;
}

function fail(span: Span, error: unknown): void {
  span.setAttribute('error.type', errorType(error));
  if (error instanceof Error) span.recordException(error);
  // The status carries the error's class, never its message: messages often embed user data.
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(error) });
}

/** Runs `fn` in the span's context and ends the span exactly once, when `fn` returns, throws or settles. */
function runInSpan<T>(span: Span, parent: Context, fn: () => T): T {
  let result: T;
  try {
    result = context.with(trace.setSpan(parent, span), fn);
  } catch (error) {
    fail(span, error);
    span.end();
    throw error;
  }
  if (!isThenable(result)) {
    span.end();
    return result;
  }
  const settle = {
    ok: (value: unknown) => {
      span.end();
      return value;
    },
    error: (error: unknown) => {
      fail(span, error);
      span.end();
      throw error;
    },
  };
  // A plain promise is replaced by its continuation, which rejects exactly when it does, so an unhandled
  // rejection stays unhandled. A promise subclass keeps its identity (and methods) through a side chain.
  if (result instanceof Promise && result.constructor === Promise) return result.then(settle.ok, settle.error) as T;
  result.then(settle.ok, settle.error).then(undefined, (): undefined => undefined);
  return result;
}

function read(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return decodeText(value);
  if (typeof value === 'object' && 'StringValue' in value) return text((value as { StringValue?: unknown }).StringValue);
  return String(value);
}

interface HeaderMap {
  get(key: string): string;
  has(key: string): boolean;
  set(key: string, value: string): void;
  keys(): string[];
  values?(key: string): string[];
  append?(key: string, value: string): void;
}

/** Copies every field (every value of a repeated one) of `source` into the new header object `target`. */
function copyHeaders(source: HeaderMap, target: HeaderMap): HeaderMap {
  for (const key of source.keys()) {
    for (const value of source.values ? source.values(key) : [source.get(key)]) {
      if (target.append) target.append(key, value);
      else target.set(key, value);
    }
  }
  return target;
}

function isHeaderMap(value: unknown): value is HeaderMap {
  return typeof value === 'object' && value !== null && typeof (value as HeaderMap).get === 'function' && typeof (value as HeaderMap).set === 'function';
}

/** Turns any supported carrier into a plain string map for propagation.extract. */
function toRecord(carrier: unknown, format: CarrierFormat | undefined): Record<string, string> {
  if (carrier === null || carrier === undefined) return {};
  if (format === 'json' || typeof carrier === 'string') {
    try {
      const parsed: unknown = JSON.parse(String(carrier));
      return typeof parsed === 'object' && parsed !== null ? toRecord(parsed, 'record') : {};
    } catch {
      return {};
    }
  }
  const record: Record<string, string> = {};
  if (isHeaderMap(carrier)) {
    for (const key of carrier.keys()) record[key.toLowerCase()] = carrier.get(key);
    return record;
  }
  for (const [key, value] of Object.entries(carrier as Record<string, unknown>)) {
    const decoded = text(value);
    if (decoded !== undefined) record[key.toLowerCase()] = decoded;
  }
  return record;
}

const recordGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

/** The producer context carried by a message, or `undefined` when it carries none. */
export function extractContext(carrier: unknown, format?: CarrierFormat): Context {
  return propagation.extract(context.active(), toRecord(carrier, format), recordGetter);
}

/** Propagation fields for the active context, traceparent first and baggage last. */
function fieldsToInject(): [string, string][] {
  const fields: Record<string, string> = {};
  propagation.inject(context.active(), fields);
  const rank = (key: string) => (key === 'traceparent' ? 0 : key === 'baggage' ? 2 : 1);
  return Object.entries(fields).sort(([a], [b]) => rank(a) - rank(b));
}

/** Adds the active context to a carrier without touching a field the user already set. */
function addFields(existing: unknown, format: CarrierFormat, createHeaders?: () => unknown): unknown {
  const fields = fieldsToInject();
  if (fields.length === 0) return existing;
  if (format === 'nats') {
    // One header object is often shared by many messages: the fields go into a copy made with the library's
    // factory, so a message's context never sticks to the next one and the caller's object stays as it was.
    const fresh = createHeaders?.();
    const headers = isHeaderMap(existing) && isHeaderMap(fresh) ? copyHeaders(existing, fresh) : (existing ?? fresh);
    if (!isHeaderMap(headers)) return existing;
    for (const [key, value] of fields) if (!headers.has(key)) headers.set(key, value);
    return headers;
  }
  if (format === 'json') {
    const current = toRecord(existing, 'json');
    for (const [key, value] of fields) if (!(key in current)) current[key] = value;
    return JSON.stringify(current);
  }
  const carrier: Record<string, unknown> = { ...(existing as Record<string, unknown> | undefined) };
  for (const [key, value] of fields) {
    if (key in carrier) continue;
    if (format === 'sqs') {
      // Never make the send fail: stay within the attribute limit, dropping baggage before traceparent.
      if (Object.keys(carrier).length >= MAX_SQS_ATTRIBUTES) break;
      carrier[key] = { DataType: 'String', StringValue: value };
    } else {
      carrier[key] = value;
    }
  }
  return carrier;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every element of an array: an element that is no object (a caller's mistake) is left for the library to reject. */
function injectEach(list: unknown[], segments: string[], format: CarrierFormat, createHeaders?: () => unknown): unknown[] {
  return list.map((item: unknown) => (isPlainObject(item) ? injectAt(item, segments, format, createHeaders) : item));
}

function injectAt(host: unknown, segments: string[], format: CarrierFormat, createHeaders?: () => unknown): unknown {
  const [segment, ...rest] = segments;
  if (segment === undefined) return addFields(host, format, createHeaders);
  // BullMQ's `telemetry: { omitContext: true }` asks for no context on that job.
  if (format === 'json' && rest.length === 0 && read(host, 'omitContext') === true) return host;
  if (segment.endsWith('[]*')) {
    // A tree (a BullMQ flow): this node, then every node below it through `key`, at any depth.
    const key = segment.slice(0, -3);
    const here = injectAt(host, rest, format, createHeaders);
    const below = read(here, key);
    return isPlainObject(here) && Array.isArray(below) ? { ...here, [key]: injectEach(below, segments, format, createHeaders) } : here;
  }
  const iterate = segment.endsWith('[]');
  const key = iterate ? segment.slice(0, -2) : segment;
  const target = key ? read(host, key) : host;
  // Nothing to visit: the host stays as it is (no empty array or property is added).
  if (iterate && !Array.isArray(target)) return host;
  const next = iterate ? injectEach(target as unknown[], rest, format, createHeaders) : injectAt(target, rest, format, createHeaders);
  if (!key) return next;
  if (isPlainObject(host)) return { ...host, [key]: next };
  if (host === undefined || host === null) return { [key]: next };
  return host;
}

/**
 * Returns a copy of `host` with the active context injected at `path` (copying only along the path, so the
 * caller's objects are never mutated). `items[]` visits every element of an array (`[]` alone: `host` is the
 * array); `children[]*` visits a tree: the node itself, then every node below it through `children`.
 * Several paths may be given separated by `|`. `createHeaders` builds a header object where the library
 * needs its own type (NATS `headers()`).
 */
export function inject<T>(host: T, path: string, format: CarrierFormat = 'record', createHeaders?: () => unknown): T {
  let result: unknown = host;
  for (const one of path.split('|')) result = injectAt(result, one ? one.split('.') : [], format, createHeaders);
  return result as T;
}

/**
 * Injects the active context into a command object's `input` at `path` (AWS SDK v3 commands keep their input
 * there and serialize it when sent): for a command built earlier and sent inside a PRODUCER span, so the
 * message carries that span. The input is replaced by a copy; a field already set (by the user, or by the
 * `create` span of the place that built the command) is kept. Anything without an object `input` is left alone.
 */
export function injectCommand<T>(command: T, path: string, format: CarrierFormat = 'record'): T {
  if (command !== null && typeof command === 'object') {
    const holder = command as { input?: unknown };
    if (isPlainObject(holder.input)) holder.input = inject(holder.input, path, format);
  }
  return command;
}

/** Wraps a send: a PRODUCER span whose context the call injects into its messages. */
export function traceSend<T>(spec: SendSpec, send: () => T): T {
  const attributes: Attributes = {
    'messaging.system': spec.system,
    'messaging.operation.name': spec.operation,
    'messaging.operation.type': 'send',
    ...(spec.destination ? { 'messaging.destination.name': spec.destination } : {}),
    ...(spec.batch !== undefined && spec.batch > 1 ? { 'messaging.batch.message_count': spec.batch } : {}),
    ...spec.attributes,
  };
  const span = tracer().startSpan(spanName(spec.operation, spec.destination), { kind: SpanKind.PRODUCER, attributes });
  return runInSpan(span, context.active(), send);
}

function processAttributes(spec: ProcessSpec, destination: string | undefined, message: unknown): Attributes {
  const id = spec.id ? text(read(message, spec.id)) : undefined;
  return {
    'messaging.system': spec.system,
    'messaging.operation.name': spec.operation ?? 'process',
    'messaging.operation.type': 'process',
    ...(destination ? { 'messaging.destination.name': destination } : {}),
    ...(id ? { 'messaging.message.id': id } : {}),
    ...spec.attributes,
  };
}

function destinationOf(spec: ProcessSpec, payload: unknown): string | undefined {
  return spec.destination ?? (spec.destinationFrom ? text(read(payload, spec.destinationFrom)) : undefined);
}

/**
 * Runs `fn` for one message in a CONSUMER span whose parent is the producer's context taken from the message.
 * Errors set ERROR status, are recorded and rethrown.
 */
export function processMessage<T>(spec: ProcessSpec, payload: unknown, fn: () => T): T {
  if (payload === null || payload === undefined) return fn();
  const message = read(payload, spec.message);
  const parent = extractContext(read(message, spec.headers), spec.format);
  const destination = destinationOf(spec, payload);
  // Processing inside another span (an HTTP request, a batch loop) keeps that span as a link, as the
  // semantic conventions recommend when the producer becomes the parent.
  const ambient = trace.getSpanContext(context.active());
  const producer = trace.getSpanContext(parent);
  const links: Link[] = ambient && producer && ambient.spanId !== producer.spanId ? [{ context: ambient }] : [];
  const span = tracer().startSpan(
    spanName(spec.operation ?? 'process', destination),
    { kind: SpanKind.CONSUMER, attributes: processAttributes(spec, destination, message), links },
    parent,
  );
  return runInSpan(span, parent, fn);
}

/**
 * The wrapper keeps the handler's `length` and `name`: libraries read them (BullMQ hands its abort signal
 * only to a processor that declares three parameters).
 */
function likeHandler<F>(wrapper: (...args: any[]) => unknown, handler: F & ((...args: any[]) => unknown)): F {
  Object.defineProperty(wrapper, 'length', { value: handler.length, configurable: true });
  Object.defineProperty(wrapper, 'name', { value: handler.name, configurable: true });
  return wrapper as F;
}

/** Wraps a message handler so every call runs in {@link processMessage}. A non-function is returned as it is. */
export function traceProcess<F extends (...args: any[]) => unknown>(spec: ProcessSpec, handler: F): F {
  if (typeof handler !== 'function') return handler;
  return likeHandler(function (this: unknown, ...args: unknown[]) {
    return processMessage(spec, args[spec.payloadArg ?? 0], () => handler.apply(this, args));
  }, handler);
}

/**
 * Wraps a batch handler: one CONSUMER span per batch, linked (at start, so samplers see the links) to the
 * context of every message in it.
 */
export function traceBatch<F extends (...args: any[]) => unknown>(spec: BatchSpec, handler: F): F {
  if (typeof handler !== 'function') return handler;
  return likeHandler(function (this: unknown, ...args: unknown[]) {
    const payload = args[0];
    const messages = read(payload, spec.messages);
    const list: unknown[] = Array.isArray(messages) ? messages : [];
    const links: Link[] = [];
    for (const message of list) {
      const spanContext = trace.getSpanContext(extractContext(read(message, spec.headers), spec.format));
      if (!spanContext) continue;
      const id = spec.id ? text(read(message, spec.id)) : undefined;
      links.push({ context: spanContext, attributes: id ? { 'messaging.message.id': id } : {} });
    }
    const destination = destinationOf(spec, payload);
    const span = tracer().startSpan(spanName(spec.operation ?? 'process', destination), {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        ...processAttributes(spec, destination, undefined),
        'messaging.batch.message_count': list.length,
      },
    });
    return runInSpan(span, context.active(), () => handler.apply(this, args));
  }, handler);
}

/**
 * Adds the propagator's fields to a list of requested attribute names (SQS `MessageAttributeNames`), keeping
 * the caller's names and `All`.
 */
export function requestFields<T>(input: T, path: string): T {
  const requested = read(input, path);
  const names: string[] = Array.isArray(requested) ? requested.map(String) : [];
  if (names.includes('All') || names.includes('.*')) return input;
  const union = [...names, ...propagation.fields().filter((field) => !names.includes(field))];
  return { ...input, [path]: union };
}
