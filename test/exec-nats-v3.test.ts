import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { NatsConnection } from '@nats-io/transport-node';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { NATS, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/nats/exec-v3.input.js');
type Seen = ReturnType<typeof observed<string>>;

const available = await serviceAvailable(NATS);

describe.runIf(available)('nats.js 3 (@nats-io/*), rewritten, against a NATS server with JetStream', () => {
  const otel = setupOtel();
  let program: Program;
  let nc: NatsConnection;
  const unique = `${process.pid}_${Date.now()}`;
  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'nats/exec-v3.input.ts'));
    nc = await program.open();
  });
  afterAll(async () => {
    await nc?.drain();
    await otel.shutdown();
  });

  const spansOf = (kind: SpanKind) => otel.spans().filter((s) => s.kind === kind);

  it('a core publish reaches the subscriber in the same trace, with baggage', async () => {
    otel.reset();
    const subject = `otelify.v3.${unique}.core`;
    const seen: Seen[] = [];
    const subscription = program.listen(nc, subject, (text) => seen.push(observed(text)));
    await nc.flush();
    const { root } = inRootSpan(() => program.announce(nc, subject, 'hello'));
    await waitFor(() => seen.length === 1, 5000, 'the message');
    subscription.unsubscribe();
    expect(seen[0]).toEqual({ body: 'hello', traceId: root.spanContext().traceId, tenant: 'acme' });
    const [producer] = spansOf(SpanKind.PRODUCER);
    const consumer = await waitFor(() => spansOf(SpanKind.CONSUMER)[0], 5000, 'the consumer span');
    expect(producer!.name).toBe(`publish ${subject}`);
    expect(parentSpanId(producer!)).toBe(root.spanContext().spanId);
    expect(parentSpanId(consumer)).toBe(producer!.spanContext().spanId);
    expect(consumer.attributes['messaging.system']).toBe('nats');
  });

  it('a request answered by a subscriber: the responder runs in the requester\'s trace; a throwing handler ends its span in ERROR', async () => {
    otel.reset();
    const seen: Seen[] = [];
    const responder = program.serveQuotes(nc, (sku) => {
      seen.push(observed(sku));
      return `${sku}:42`;
    });
    try {
      const { root, result } = inRootSpan(() => program.askQuote(nc, 'sku-1'));
      expect(await result).toBe('sku-1:42');
      expect(seen[0]).toEqual({ body: 'sku-1', traceId: root.spanContext().traceId, tenant: 'acme' });
      const [request] = spansOf(SpanKind.PRODUCER);
      expect(request!.name).toBe('send quote');
      const handler = await waitFor(() => spansOf(SpanKind.CONSUMER)[0], 5000, 'the responder span');
      expect(parentSpanId(handler)).toBe(request!.spanContext().spanId);

      responder.unsubscribe();

      // nats.js lets a callback's exception close the connection it came on: the failing responder gets its own.
      otel.reset();
      const fragile = await program.open();
      program.serveQuotes(fragile, () => {
        throw new TypeError('expected by test');
      });
      await fragile.flush();
      await expect(program.askQuote(nc, 'broken')).rejects.toThrow();
      const failed = await waitFor(() => spansOf(SpanKind.CONSUMER)[0], 5000, 'the failed responder span');
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes['error.type']).toBe('TypeError');
    } finally {
      responder.unsubscribe();
    }
  });

  it('a JetStream publish reaches the consumer callback in the same trace', async () => {
    otel.reset();
    const stream = `OTELIFY_V3_${unique}`;
    const subject = `otelify.v3.${unique}.events`;
    const drop = await program.createStream(nc, stream, subject);
    const seen: Seen[] = [];
    const messages = await program.work(nc, stream, (text) => seen.push(observed(text)));
    try {
      const { root, result } = inRootSpan(() => program.record(nc, subject, 'event-1'));
      await result;
      await waitFor(() => seen.length === 1, 5000, 'the JetStream message');
      expect(seen[0]).toEqual({ body: 'event-1', traceId: root.spanContext().traceId, tenant: 'acme' });
      const consumer = await waitFor(() => spansOf(SpanKind.CONSUMER)[0], 5000, 'the consumer span');
      expect(consumer.attributes['messaging.destination.name']).toBe(stream);
      expect(consumer.attributes['messaging.message.id']).toBe('1');
    } finally {
      await messages.close();
      await drop();
    }
  });
});
