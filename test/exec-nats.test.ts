import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { NATS, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/nats/exec-roundtrip.input.js');
type Seen = ReturnType<typeof observed<string>>;

const available = await serviceAvailable(NATS);

describe.runIf(available)('NATS, rewritten, against a NATS server with JetStream', () => {
  const otel = setupOtel();
  let program: Program;
  let nc: NatsConnection;
  const unique = `${process.pid}_${Date.now()}`;
  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'nats/exec-roundtrip.input.ts'));
    nc = await program.open();
  });
  afterAll(async () => {
    await nc?.drain();
    await otel.shutdown();
  });

  const producers = () => otel.spans().filter((s) => s.kind === SpanKind.PRODUCER);
  const consumers = () => otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
  /** Waits until exactly `count` consumer spans have ended (a span never ended never shows up). */
  const endedConsumers = (count: number) => waitFor(() => consumers().length === count && consumers(), 5000, `${count} ended consumer spans`);

  /** The one producer span: a child of `root`, with the messaging attributes of a send. */
  function theProducer(root: { spanContext(): { spanId: string } }, name: string, operation = 'publish'): ReadableSpan {
    const all = producers();
    expect(all).toHaveLength(1);
    const producer = all[0]!;
    expect(producer.name).toBe(name);
    expect(parentSpanId(producer)).toBe(root.spanContext().spanId);
    expect(producer.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.name': operation,
      'messaging.operation.type': 'send',
    });
    return producer;
  }

  function expectChildOf(consumer: ReadableSpan, producer: ReadableSpan) {
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.operation.type': 'process' });
  }

  function expectError(span: ReadableSpan, type: string) {
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(type);
    expect(span.events.map((e) => e.name)).toContain('exception');
  }

  it('callback and iterator subscribers continue the publisher trace, with baggage, and end every span', async () => {
    otel.reset();
    const subject = `prices.${unique}`;
    const viaCallback: Seen[] = [];
    const viaIterator: Seen[] = [];
    const sub = program.watchPrices(nc, subject, (body) => viaCallback.push(observed(body)));
    const iterating = program.handlePrices(nc, subject, 1, (body) => {
      viaIterator.push(observed(body));
    });
    await nc.flush();
    const { root } = inRootSpan(() => program.announce(nc, subject, 'EUR 10'));
    await iterating;
    await waitFor(() => viaCallback.length === 1, 5000, 'the callback delivery');
    sub.unsubscribe();
    const traceId = root.spanContext().traceId;
    expect([...viaCallback, ...viaIterator]).toEqual([
      { body: 'EUR 10', traceId, tenant: 'acme' },
      { body: 'EUR 10', traceId, tenant: 'acme' },
    ]);
    const producer = theProducer(root, `publish ${subject}`);
    expect(producer.attributes['messaging.destination.name']).toBe(subject);
    const spans = await endedConsumers(2);
    for (const span of spans) {
      expectChildOf(span, producer);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    // The callback's subscription subject names its span; an iterated core message's subject may embed ids.
    expect(spans.map((s) => s.name).sort()).toEqual(['process', `process ${subject}`]);
  });

  it('a header object reused for several messages gives each its own context and is left as it was', async () => {
    otel.reset();
    const subject = `prices.tagged.${unique}`;
    const seen: Seen[] = [];
    const iterating = program.handlePrices(nc, subject, 2, (body) => {
      seen.push(observed(body));
    });
    // The wire, as a plain (not rewritten) subscriber sees it.
    const raw: { tenant?: string; traceparent?: string }[] = [];
    nc.subscribe(subject, { max: 2, callback: (_err, m) => raw.push({ tenant: m.headers?.get('x-tenant'), traceparent: m.headers?.get('traceparent') }) });
    await nc.flush();
    const first = inRootSpan(() => program.announceTagged(nc, subject, 'one'), 'first');
    const second = inRootSpan(() => program.announceTagged(nc, subject, 'two'), 'second');
    await iterating;
    await waitFor(() => raw.length === 2, 5000, 'the raw deliveries');
    expect(seen).toEqual([
      { body: 'one', traceId: first.root.spanContext().traceId, tenant: 'acme' },
      { body: 'two', traceId: second.root.spanContext().traceId, tenant: 'acme' },
    ]);
    expect(raw.map((r) => r.tenant)).toEqual(['acme', 'acme']);
    expect(raw[0]!.traceparent).not.toBe(raw[1]!.traceparent);
    expect(program.sharedHeaders().keys()).toEqual(['x-tenant']);
    const spans = await endedConsumers(2);
    const sends = producers();
    expect(sends).toHaveLength(2);
    for (const [i, span] of spans.entries()) expectChildOf(span, sends[i]!);
  });

  it('an iterator body that throws ends its span as ERROR and the error still reaches the caller', async () => {
    otel.reset();
    const subject = `prices.err.${unique}`;
    const failing = program.handlePrices(nc, subject, 1, () => {
      throw new SyntaxError('expected by test');
    });
    await nc.flush();
    const { root } = inRootSpan(() => program.announce(nc, subject, 'bad'));
    await expect(failing).rejects.toThrow('expected by test');
    const [span] = await endedConsumers(1);
    expectChildOf(span!, theProducer(root, `publish ${subject}`));
    expectError(span!, 'SyntaxError');
  });

  it('a subscription callback that throws ends its span as ERROR, and NATS still gets the same error', async () => {
    otel.reset();
    const subject = `prices.cb-err.${unique}`;
    // NATS stops reading a connection whose callback throws, so this one gets its own.
    const own = await program.open();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const boom = new TypeError('expected by test');
    try {
      program.watchPrices(own, subject, () => {
        throw boom;
      });
      await own.flush();
      const { root } = inRootSpan(() => program.announce(nc, subject, 'bad'));
      const [span] = await endedConsumers(1);
      expectChildOf(span!, theProducer(root, `publish ${subject}`));
      expectError(span!, 'TypeError');
      // What nats does with an error thrown by a callback, with or without otelify: it logs it.
      await waitFor(() => log.mock.calls.length > 0, 2000, 'nats to report the error');
      expect(log).toHaveBeenCalledWith('reader closed', boom);
    } finally {
      log.mockRestore();
      await own.close();
    }
  });

  it('JetStream: publish, then a fetch loop and a consume callback, each parented and named after the stream', async () => {
    otel.reset();
    const stream = `OTELIFY_${unique}`;
    const subject = `events.${unique}`;
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject] });
    try {
      const { root, result } = inRootSpan(() => program.publishDurable(nc, subject, 'created'));
      await result;
      const producer = theProducer(root, `publish ${subject}`);
      const fetched: Seen[] = [];
      await program.drainStream(nc, stream, 1, (body) => fetched.push(observed(body)));
      const consumed: Seen[] = [];
      const messages = await program.consumeStream(nc, stream, 'watcher', (body) => consumed.push(observed(body)));
      await waitFor(() => consumed.length === 1, 5000, 'the consume callback');
      await messages.close();
      const expected = [{ body: 'created', traceId: root.spanContext().traceId, tenant: 'acme' }];
      expect(fetched).toEqual(expected);
      expect(consumed).toEqual(expected);
      const spans = await endedConsumers(2);
      for (const span of spans) {
        expectChildOf(span, producer);
        expect(span.name).toBe(`process ${stream}`);
        expect(span.attributes['messaging.destination.name']).toBe(stream);
        expect(span.attributes['messaging.message.id']).toBe('1');
      }
    } finally {
      await jsm.streams.delete(stream);
    }
  });

  it('JetStream: a consume callback that throws ends its span as ERROR and stops the consumer with that error, as before', async () => {
    otel.reset();
    const stream = `OTELIFY_ERR_${unique}`;
    const subject = `events.err.${unique}`;
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject] });
    try {
      const { root, result } = inRootSpan(() => program.publishDurable(nc, subject, 'poison'));
      await result;
      const boom = new RangeError('expected by test');
      const messages = await program.consumeStream(nc, stream, 'failer', () => {
        throw boom;
      });
      await expect(messages.closed()).resolves.toBe(boom);
      const [span] = await endedConsumers(1);
      expectChildOf(span!, theProducer(root, `publish ${subject}`));
      expectError(span!, 'RangeError');
    } finally {
      await jsm.streams.delete(stream);
    }
  });

  it('a service endpoint continues the requester trace; a throwing handler is an ERROR span and still answers with the error', async () => {
    otel.reset();
    const subject = `quotes.${unique}`;
    const answers: Seen[] = [];
    let fail = false;
    const srv = await program.startQuotes(nc, `quotes_${unique}`, subject, () => {
      if (fail) throw new Error('out of stock');
      const price = 'EUR 12';
      answers.push(observed(price));
      return price;
    });
    try {
      await nc.flush();
      const { root, result } = inRootSpan(() => program.askPrice(nc, subject));
      expect(await result).toEqual({ body: 'EUR 12', error: undefined });
      expect(answers).toEqual([{ body: 'EUR 12', traceId: root.spanContext().traceId, tenant: 'acme' }]);
      const producer = theProducer(root, `send ${subject}`, 'send');
      const [span] = await endedConsumers(1);
      expectChildOf(span!, producer);
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);

      otel.reset();
      fail = true;
      const failing = inRootSpan(() => program.askPrice(nc, subject));
      // The service framework catches the handler's error and answers with it, with or without otelify.
      expect(await failing.result).toEqual({ body: '', error: 'out of stock' });
      const [failed] = await endedConsumers(1);
      expectChildOf(failed!, theProducer(failing.root, `send ${subject}`, 'send'));
      expectError(failed!, 'Error');
    } finally {
      await srv.stop();
    }
  });
});
