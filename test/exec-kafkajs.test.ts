import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Consumer, Producer } from 'kafkajs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { startKafkaBroker } from './support/kafka-broker.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';

type Program = typeof import('../fixtures/kafkajs/exec-roundtrip.input.js');

// No Kafka here: the real kafkajs client talks the Kafka protocol to a loopback broker (test/support).
describe('kafkajs, rewritten, against a loopback Kafka broker', () => {
  const otel = setupOtel();
  let program: Program;
  let broker: Awaited<ReturnType<typeof startKafkaBroker>>;
  let producer: Producer;
  const consumers: Consumer[] = [];
  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'kafkajs/exec-roundtrip.input.ts'));
    broker = await startKafkaBroker();
    producer = program.client(broker.brokers).producer();
    await producer.connect();
  });
  afterAll(async () => {
    for (const consumer of consumers) await consumer.disconnect();
    await producer?.disconnect();
    await broker?.close();
    await otel.shutdown();
  });

  function consumer(groupId: string) {
    const c = program.client(broker.brokers).consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50, retry: { retries: 2 } });
    consumers.push(c);
    return c;
  }


  it('puts traceparent and baggage in each record and continues the trace in eachMessage; a throw marks ERROR', async () => {
    const topic = 'views';
    const { root, result } = inRootSpan(() => program.track(producer, topic, ['p1', 'p2', 'boom']));
    await result;
    const records = broker.records(topic);
    expect(records.map((r) => Object.keys(r.headers).sort())).toEqual(Array(3).fill(['baggage', 'source', 'traceparent']));
    expect(records[0]!.headers.traceparent!.toString()).toContain(root.spanContext().traceId);
    expect(records[0]!.headers.baggage!.toString()).toBe('tenant.id=acme');

    const seen: ReturnType<typeof observed<string>>[] = [];
    const c = consumer('views-counter');
    await c.connect();
    await program.countViews(c, topic, (id) => {
      // kafkajs stops a consumer whose eachMessage throws: the last record fails.
      if (id === 'boom') throw new RangeError('expected by test');
      seen.push(observed(id));
    });
    await waitFor(() => seen.length === 2, 15_000, 'two records');
    expect(seen).toEqual([
      { body: 'p1', traceId: root.spanContext().traceId, tenant: 'acme' },
      { body: 'p2', traceId: root.spanContext().traceId, tenant: 'acme' },
    ]);
    const producerSpan = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(producerSpan.name).toBe(`send ${topic}`);
    expect(producerSpan.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': topic });
    const processSpans = await waitFor(() => {
      const spans = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
      return spans.length === 3 && spans;
    });
    expect(processSpans.map((s) => s.name)).toEqual([`process ${topic}`, `process ${topic}`, `process ${topic}`]);
    for (const span of processSpans) expect(parentSpanId(span)).toBe(producerSpan.spanContext().spanId);
    expect(processSpans.filter((s) => s.status.code === SpanStatusCode.ERROR).map((s) => s.attributes['error.type'])).toEqual(['RangeError']);
  });

  it('eachBatch gets one span linked to every producer span', async () => {
    otel.reset();
    const topic = 'batched';
    const first = inRootSpan(() => program.track(producer, topic, ['a']));
    await first.result;
    const second = inRootSpan(() => program.track(producer, topic, ['b']));
    await second.result;
    const sizes: number[] = [];
    const c = consumer('batch-counter');
    await c.connect();
    await program.countBatches(c, topic, (size) => sizes.push(size));
    await waitFor(() => sizes.reduce((a, b) => a + b, 0) === 2, 15_000, 'two records in batches');
    const batchSpans = await waitFor(() => {
      const spans = otel.spans().filter((s) => s.kind === SpanKind.CONSUMER);
      return spans.length > 0 && spans;
    });
    const linked = batchSpans.flatMap((s) => s.links.map((l) => l.context.traceId));
    expect(linked.sort()).toEqual([first.root.spanContext().traceId, second.root.spanContext().traceId].sort());
    expect(batchSpans[0]!.attributes['messaging.batch.message_count']).toBe(sizes[0]);
  });
});
