import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NatsRecordBuilder, RmqRecordBuilder, Transport, type ClientKafka, type KafkaOptions, type MicroserviceOptions, type NatsOptions, type RedisOptions, type RmqOptions, type BaseRpcContext, type KafkaContext, type NatsContext, type RmqContext } from '@nestjs/microservices';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { headers as natsHeaders } from 'nats';
import { join } from 'node:path';
import { KafkaRequestSerializer } from '@nestjs/microservices/serializers/index.js';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { startKafkaBroker } from './support/kafka-broker.js';
import { inRootSpan, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { NATS, RABBITMQ, REDIS, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/nestjs-microservices/exec-app.input.js');

/** Spans started and not yet ended: none may be left once a message has been handled. */
const open = new Set<Span>();
const openSpans: SpanProcessor = {
  onStart: (span) => void open.add(span as Span),
  onEnd: (span) => void open.delete(span as unknown as Span),
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

const otel = setupOtel({ spanProcessors: [openSpans] });
let program: Program;
const seen: { what: string; traceId?: string; tenant?: string; context: BaseRpcContext }[] = [];
beforeAll(async () => {
  program = await importRewritten<Program>(join(FIXTURES, 'nestjs-microservices/exec-app.input.ts'), { legacyDecorators: true });
  program.handled.onHandled = (what, rpc) =>
    seen.push({ what, context: rpc, traceId: trace.getActiveSpan()?.spanContext().traceId, tenant: propagation.getBaggage(context.active())?.getEntry('tenant.id')?.value });
}, 60_000);
afterAll(() => otel.shutdown());

const suffix = `${process.pid}-${Date.now()}`;
const span = (kind: SpanKind, name: string) => waitFor(() => otel.spans().find((s) => s.kind === kind && s.name === name), 10_000, `the span ${name}`);
const handledAs = (what: string) => waitFor(() => seen.find((s) => s.what === what), 10_000, `the handler of ${what}`);

/** A microservice over `transport` whose own client sends to it, as a service of the application would. */
type TransportOptions = RmqOptions | NatsOptions | RedisOptions | KafkaOptions;
async function start(options: TransportOptions, clientOptions: TransportOptions = options): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(program.OrdersModule.over(clientOptions), { ...options, logger: false });
  await app.listen();
  return app;
}

/** The hop the transport carries context over: the consumer span's parent is the producer span, the handler sees the baggage. */
async function expectContinued(system: string) {
  otel.reset();
  const id = `o-${system}`;
  const { root, result } = inRootSpan(() => app().get(program.Orders).created(id));
  await result;
  const handler = await handledAs(`created:${id}`);
  expect(handler).toMatchObject({ traceId: root.spanContext().traceId, tenant: 'acme' });
  const producer = await span(SpanKind.PRODUCER, 'publish order.created');
  expect(parentSpanId(producer)).toBe(root.spanContext().spanId);
  expect(producer.attributes).toMatchObject({ 'messaging.system': system, 'messaging.operation.name': 'publish', 'messaging.destination.name': 'order.created' });
  const consumer = await span(SpanKind.CONSUMER, 'process order.created');
  expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
  expect(consumer.attributes).toMatchObject({ 'messaging.system': system, 'messaging.operation.type': 'process' });
  await waitFor(() => open.size === 0, 5000, 'every span ended');
}

async function expectRequestAnswered(system: string, answer: unknown = 40) {
  otel.reset();
  const { root, result } = inRootSpan(() => app().get(program.Orders).price('abcd'));
  expect(await result).toBe(answer);
  expect(await handledAs('price:abcd')).toMatchObject({ traceId: root.spanContext().traceId, tenant: 'acme' });
  const request = await span(SpanKind.PRODUCER, 'send order.price');
  expect(request.attributes['messaging.system']).toBe(system);
  const consumer = await span(SpanKind.CONSUMER, 'process order.price');
  expect(parentSpanId(consumer)).toBe(request.spanContext().spanId);
  await waitFor(() => open.size === 0, 5000, 'every span ended');
}

/** `send` is cold: the request goes out when subscribed, in the subscriber's context, not the one that built it. */
async function expectSentWhereSubscribed() {
  otel.reset();
  const { result: request } = inRootSpan(() => app().get(program.Orders).priceLater('xyz'), 'built');
  const { root: subscriber, result } = inRootSpan(() => firstValueFrom(request), 'subscribed');
  expect(await result).toBe(30);
  const producer = await span(SpanKind.PRODUCER, 'send order.price');
  expect(parentSpanId(producer)).toBe(subscriber.spanContext().spanId);
  expect((await handledAs('price:xyz')).traceId).toBe(subscriber.spanContext().traceId);
}

/** `emit` is hot: the event goes out in the context that emits it, whoever subscribes later. */
async function expectEmittedWhereCalled() {
  otel.reset();
  const { root: emitter, result: event } = inRootSpan(() => app().get(program.Orders).createdNow('hot'), 'emitted');
  await inRootSpan(() => lastValueFrom(event, { defaultValue: undefined }), 'subscribed').result;
  const producer = await span(SpanKind.PRODUCER, 'publish order.created');
  expect(parentSpanId(producer)).toBe(emitter.spanContext().spanId);
  expect((await handledAs('created:hot')).traceId).toBe(emitter.spanContext().traceId);
}

async function expectFailure() {
  otel.reset();
  await app().get(program.Orders).created('broken');
  const failed = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER && s.status.code === SpanStatusCode.ERROR), 10_000, 'the failed handler span');
  expect(failed.attributes['error.type']).toBe('RangeError');
  expect(failed.events.map((e) => e.name)).toContain('exception');
  await waitFor(() => open.size === 0, 5000, 'every span ended');
}

let current: INestMicroservice | undefined;
const app = () => current!;
async function stop() {
  await current?.close();
  current = undefined;
  seen.length = 0;
}

describe.runIf(await serviceAvailable(RABBITMQ))('@nestjs/microservices over RabbitMQ (Transport.RMQ), rewritten', () => {
  beforeAll(async () => {
    current = await start({ transport: Transport.RMQ, options: { urls: ['amqp://guest:guest@127.0.0.1:5672'], queue: `otelify-nest-ms-${suffix}`, queueOptions: { durable: false, autoDelete: true } } });
  }, 20_000);
  afterAll(stop);

  it('an emitted event is handled by its @EventPattern method in the same trace, with baggage', () => expectContinued('rabbitmq'));
  it('a send() is answered by its @MessagePattern method, in the same trace', () => expectRequestAnswered('rabbitmq'));
  it('a send() goes out in the context that subscribes to it', () => expectSentWhereSubscribed());
  it('an emit() goes out in the context that calls it', () => expectEmittedWhereCalled());
  it('a throwing handler ends its span in ERROR', () => expectFailure());

  it("a handler with its own CONSUMER span gets the message's context only: its span continues the trace, no second span", async () => {
    otel.reset();
    const { root, result } = inRootSpan(() => app().get(program.Orders).audited('a1'));
    await result;
    expect(await handledAs('audited:a1')).toMatchObject({ traceId: root.spanContext().traceId, tenant: 'acme' });
    const producer = await span(SpanKind.PRODUCER, 'publish order.audited');
    const consumer = await span(SpanKind.CONSUMER, 'audit order');
    expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
    expect(otel.spans().filter((s) => s.kind === SpanKind.CONSUMER).map((s) => s.name)).toEqual(['audit order']);
  });

  it('a send() no handler answers fails, and so does its PRODUCER span, which ends', async () => {
    otel.reset();
    await expect(app().get(program.Orders).unanswered()).rejects.toBeDefined();
    const request = await span(SpanKind.PRODUCER, 'send order.unknown');
    expect(request.status.code).toBe(SpanStatusCode.ERROR);
    await waitFor(() => open.size === 0, 5000, 'every span ended');
  });

  it("an RmqRecord's own headers stay (traceparent too) and the rest of the context is added beside them", async () => {
    const record = new RmqRecordBuilder({ id: 'rec' }).setOptions({ headers: { 'x-tenant': 'acme', traceparent: 'kept-by-otelify' } }).build();
    await inRootSpan(() => app().get(program.Orders).createdWith(record)).result;
    const handler = await handledAs('created:rec');
    const headers = (handler.context as RmqContext).getMessage().properties.headers;
    expect(headers).toMatchObject({ 'x-tenant': 'acme', traceparent: 'kept-by-otelify', baggage: 'tenant.id=acme' });
    expect(record.options?.headers).toEqual({ 'x-tenant': 'acme', traceparent: 'kept-by-otelify' });
  });
});

describe.runIf(await serviceAvailable(NATS))('@nestjs/microservices over NATS (Transport.NATS), rewritten', () => {
  beforeAll(async () => {
    current = await start({ transport: Transport.NATS, options: { servers: ['nats://127.0.0.1:4222'], queue: `otelify-${suffix}` } });
  }, 20_000);
  afterAll(stop);

  it('an emitted event is handled by its @EventPattern method in the same trace, with baggage', () => expectContinued('nats'));
  it('a send() is answered by its @MessagePattern method, in the same trace', () => expectRequestAnswered('nats'));
  it('a send() goes out in the context that subscribes to it', () => expectSentWhereSubscribed());
  it('a throwing handler ends its span in ERROR', () => expectFailure());

  it("a NatsRecord's own headers stay, and its header object is not changed (records share them)", async () => {
    const own = natsHeaders();
    own.set('x-tenant', 'acme');
    own.append('x-tag', 'a');
    own.append('x-tag', 'b');
    const record = new NatsRecordBuilder({ id: 'rec' }).setHeaders(own).build();
    await app().get(program.Orders).createdWith(record);
    const handler = await handledAs('created:rec');
    const received = (handler.context as NatsContext).getHeaders() as ReturnType<typeof natsHeaders>;
    expect(received.get('x-tenant')).toBe('acme');
    expect(received.values('x-tag')).toEqual(['a', 'b']);
    expect(received.get('traceparent')).toMatch(/^00-/);
    expect(own.keys()).toEqual(['x-tenant', 'x-tag']);
  });
});

describe.runIf(await serviceAvailable(REDIS))('@nestjs/microservices over Redis (Transport.REDIS), rewritten: no headers, so no continuation', () => {
  beforeAll(async () => {
    current = await start({ transport: Transport.REDIS, options: { host: '127.0.0.1', port: 6379 } });
  }, 20_000);
  afterAll(stop);

  it('the emit gets its PRODUCER span; the handler runs in a CONSUMER span of a new trace, without the baggage', async () => {
    otel.reset();
    const { root, result } = inRootSpan(() => app().get(program.Orders).created('o-redis'));
    await result;
    const handler = await handledAs('created:o-redis');
    const producer = await span(SpanKind.PRODUCER, 'publish order.created');
    expect(parentSpanId(producer)).toBe(root.spanContext().spanId);
    expect(producer.attributes['messaging.system']).toBe('redis');
    const consumer = await span(SpanKind.CONSUMER, 'process order.created');
    expect(consumer.attributes['messaging.system']).toBe('redis');
    expect(parentSpanId(consumer)).toBeUndefined();
    expect(consumer.spanContext().traceId).not.toBe(root.spanContext().traceId);
    expect(handler).toMatchObject({ traceId: consumer.spanContext().traceId, tenant: undefined });
    await waitFor(() => open.size === 0, 5000, 'every span ended');
  });

  it('a send() is still answered', async () => {
    expect(await app().get(program.Orders).price('ab')).toBe(20);
  });
});

describe('@nestjs/microservices over Kafka (Transport.KAFKA) against a loopback Kafka broker, rewritten', () => {
  const kafkaSerializer = new KafkaRequestSerializer();
  const serialize = async (value: unknown) => kafkaSerializer.serialize(value);
  const sharedSerializer = { serialize };
  let broker: Awaited<ReturnType<typeof startKafkaBroker>>;
  beforeAll(async () => {
    broker = await startKafkaBroker();
    const kafka = { clientId: 'otelify', brokers: broker.brokers, retry: { retries: 2 } };
    const server: KafkaOptions = { transport: Transport.KAFKA, options: { client: kafka, consumer: { groupId: `otelify-${suffix}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50 }, subscribe: { fromBeginning: true } } };
    // The client's serializer answers with a promise, as a user's may; it is one object that could be shared.
    current = await start(server, { ...server, options: { ...server.options, serializer: sharedSerializer } });
    // A Kafka client reads answers from a reply topic it must subscribe to before it connects.
    const client = current.get<ClientKafka>(program.CLIENT);
    client.subscribeToResponseOf('order.price');
    await client.connect();
  }, 30_000);
  afterAll(async () => {
    await stop();
    await broker?.close();
  });

  it('an emitted event is handled by its @EventPattern method in the same trace, with baggage', () => expectContinued('kafka'), 20_000);
  // Nest's Kafka parser turns only JSON objects and arrays back into values: the number comes back as text.
  it('a send() is answered by its @MessagePattern method, in the same trace', () => expectRequestAnswered('kafka', '40'), 20_000);

  it('an emitBatch() is one PRODUCER span for its messages, each handled in the same trace', async () => {
    otel.reset();
    const { root, result } = inRootSpan(() => app().get(program.Orders).createdBatch(['b1', 'b2']));
    await result;
    for (const id of ['b1', 'b2']) expect((await handledAs(`created:${id}`)).traceId).toBe(root.spanContext().traceId);
    const producer = await span(SpanKind.PRODUCER, 'publish order.created');
    expect(producer.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.batch.message_count': 2 });
    expect(otel.spans().filter((s) => s.kind === SpanKind.PRODUCER)).toHaveLength(1);
    const consumers = await waitFor(() => {
      const found = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER && s.name === 'process order.created');
      return found.length === 2 && found;
    }, 10_000, 'two consumer spans');
    expect(consumers.every((c) => parentSpanId(c) === producer.spanContext().spanId)).toBe(true);
  }, 20_000);

  it("a Kafka message's own headers stay", async () => {
    await app().get(program.Orders).createdWith({ key: 'rec', value: { id: 'rec' }, headers: { 'x-tenant': 'acme' } });
    const handler = await handledAs('created:rec');
    const headers = (handler.context as KafkaContext).getMessage().headers ?? {};
    expect(String(headers['x-tenant'])).toBe('acme');
    expect(String(headers['traceparent'])).toMatch(/^00-/);
  });

  it("the client's serializer object is left as it was", () => {
    expect(sharedSerializer.serialize).toBe(serialize);
    expect(Object.keys(sharedSerializer)).toEqual(['serialize']);
  });

  // Last: kafkajs retries a message whose handler throws, which holds back the topic's later messages.
  it('a throwing handler ends its span in ERROR', () => expectFailure());
});
