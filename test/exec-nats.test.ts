import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { NATS, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/nats/exec-roundtrip.input.js');

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



  it('callback and iterator subscribers continue the publisher trace, with baggage', async () => {
    otel.reset();
    const subject = `prices.${unique}`;
    const viaCallback: ReturnType<typeof observed<string>>[] = [];
    const viaIterator: ReturnType<typeof observed<string>>[] = [];
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
    const [producer] = otel.spans().filter((s) => s.kind === SpanKind.PRODUCER);
    expect(producer!.name).toBe(`publish ${subject}`);
    expect(parentSpanId(producer!)).toBe(root.spanContext().spanId);
    const consumers = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
    expect(consumers).toHaveLength(2);
    for (const span of consumers) {
      expect(parentSpanId(span)).toBe(producer!.spanContext().spanId);
      expect(span.attributes['messaging.system']).toBe('nats');
    }
    expect(consumers.map((s) => s.name).sort()).toEqual(['process', `process ${subject}`]);
  });

  it('an iterator body that throws ends its span as ERROR and the error still reaches the caller', async () => {
    otel.reset();
    const subject = `prices.err.${unique}`;
    const failing = program.handlePrices(nc, subject, 1, () => {
      throw new SyntaxError('expected by test');
    });
    await nc.flush();
    program.announce(nc, subject, 'bad');
    await expect(failing).rejects.toThrow('expected by test');
    const [span] = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('SyntaxError');
  });

  it('JetStream: publish and a pull consumer, parented, named after the stream', async () => {
    otel.reset();
    const stream = `OTELIFY_${unique}`;
    const subject = `events.${unique}`;
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject] });
    try {
      const { root, result } = inRootSpan(() => program.publishDurable(nc, subject, 'created'));
      await result;
      const seen: ReturnType<typeof observed<string>>[] = [];
      await program.drainStream(nc, stream, 1, (body) => seen.push(observed(body)));
      expect(seen).toEqual([{ body: 'created', traceId: root.spanContext().traceId, tenant: 'acme' }]);
      const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
      const consumer = otel.spans().find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(consumer.name).toBe(`process ${stream}`);
      expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
      expect(consumer.attributes['messaging.message.id']).toBe('1');
    } finally {
      await jsm.streams.delete(stream);
    }
  });
});
