import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsFake } from './support/aws-fake.js';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';

type Program = typeof import('../fixtures/aws/exec-roundtrip.input.js');

// No SQS here: the real SDK clients run against an in-memory SQS/SNS behind their request-handler hook.
describe('AWS SQS/SNS and sqs-consumer, rewritten, against an in-memory SQS', () => {
  const otel = setupOtel();
  let program: Program;
  let aws: AwsFake;
  let sqs: SQSClient;
  let sns: SNSClient;
  beforeAll(async () => {
    program = await importRewritten<Program>(join(FIXTURES, 'aws/exec-roundtrip.input.ts'));
    aws = new AwsFake();
    sqs = new SQSClient(aws.clientConfig());
    sns = new SNSClient(aws.clientConfig());
  });
  afterAll(() => otel.shutdown());


  it('puts the context in MessageAttributes and continues it in a receive loop', async () => {
    otel.reset();
    const url = aws.createQueue('orders-loop');
    const { root, result } = inRootSpan(() => program.sendOrder(sqs, url, 'order-1'));
    await result;
    const [wire] = aws.sent.filter((m) => m.queue === 'orders-loop');
    expect(Object.keys(wire!.MessageAttributes).sort()).toEqual(['baggage', 'traceparent']);
    expect(wire!.MessageAttributes.traceparent!.StringValue).toContain(root.spanContext().traceId);

    const seen: ReturnType<typeof observed<string>>[] = [];
    expect(await program.pollOnce(sqs, url, (body) => void seen.push(observed(body)))).toBe(1);
    expect(seen).toEqual([{ body: 'order-1', traceId: root.spanContext().traceId, tenant: 'acme' }]);
    const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    const consumer = otel.spans().find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(producer.name).toBe('send');
    expect(producer.attributes).toMatchObject({ 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'send' });
    expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.attributes['messaging.message.id']).toBeTypeOf('string');
  });

  it('never sends more than 10 attributes: with 9 of the user, only traceparent is added', async () => {
    otel.reset();
    const url = aws.createQueue('orders-full');
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: String(i) }]));
    await inRootSpan(() => program.sendOrder(sqs, url, 'full', nine)).result;
    const [wire] = aws.sent.filter((m) => m.queue === 'orders-full');
    expect(Object.keys(wire!.MessageAttributes)).toHaveLength(10);
    expect(wire!.MessageAttributes).toHaveProperty('traceparent');
    expect(wire!.MessageAttributes).not.toHaveProperty('baggage');
    const ten = { ...nine, a9: { DataType: 'String', StringValue: '9' } };
    await inRootSpan(() => program.sendOrder(sqs, url, 'ten', ten)).result;
    expect(Object.keys(aws.sent.filter((m) => m.queue === 'orders-full')[1]!.MessageAttributes)).toHaveLength(10);
    expect(aws.errors).toEqual([]);
  });

  it('sqs-consumer asks for the propagation attributes and runs the handler in the producer trace; throws mark ERROR', async () => {
    otel.reset();
    const url = aws.createQueue('orders-worker');
    const seen: ReturnType<typeof observed<string>>[] = [];
    const worker = program.startWorker(sqs, url, (body) => {
      if (body === 'poison') throw new EvalError('expected by test');
      seen.push(observed(body));
    });
    try {
      const { root, result } = inRootSpan(() => program.sendOrder(sqs, url, 'order-2'));
      await result;
      await waitFor(() => seen.length === 1, 5000, 'the sqs-consumer delivery');
      expect(seen).toEqual([{ body: 'order-2', traceId: root.spanContext().traceId, tenant: 'acme' }]);
      await program.sendOrder(sqs, url, 'poison');
      const failed = await waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER && s.status.code === SpanStatusCode.ERROR), 5000, 'the failed span');
      expect(failed.attributes['error.type']).toBe('EvalError');
    } finally {
      worker.stop();
    }
  });

  it('SNS publish carries the context through a raw subscription into SQS', async () => {
    otel.reset();
    const url = aws.createQueue('order-events');
    const topicArn = 'arn:aws:sns:us-east-1:000000000000:orders';
    aws.subscribe(topicArn, 'order-events');
    const { root, result } = inRootSpan(() => program.announce(sns, topicArn, 'created'));
    await result;
    const seen: ReturnType<typeof observed<string>>[] = [];
    await program.pollOnce(sqs, url, (body) => void seen.push(observed(body)));
    expect(seen).toEqual([{ body: 'created', traceId: root.spanContext().traceId, tenant: 'acme' }]);
    const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(producer.attributes['messaging.system']).toBe('aws.sns');
  });

  it('a command built before its send: the PRODUCER span lasts as long as the send, and the message carries it', async () => {
    otel.reset();
    const url = aws.createQueue('orders-prepared');
    aws.latencyMs = 60;
    try {
      await inRootSpan(() => program.sendPrepared(sqs, url, 'prepared')).result;
    } finally {
      aws.latencyMs = 0;
    }
    const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(producer.attributes).toMatchObject({ 'messaging.system': 'aws_sqs', 'messaging.operation.name': 'send' });
    const [seconds, nanos] = producer.duration;
    expect(seconds * 1000 + nanos / 1e6).toBeGreaterThanOrEqual(55);
    const [wire] = aws.sent.filter((m) => m.queue === 'orders-prepared');
    expect(wire!.MessageAttributes.traceparent!.StringValue).toContain(producer.spanContext().spanId);
  });

  it('a failing send of a prepared command ends its PRODUCER span with ERROR and the error type', async () => {
    otel.reset();
    const missing = 'https://sqs.us-east-1.amazonaws.com/000000000000/no-such-queue';
    await expect(inRootSpan(() => program.sendPrepared(sqs, missing, 'lost')).result).rejects.toThrow(/no such queue/);
    const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(producer.status.code).toBe(SpanStatusCode.ERROR);
    // The SDK names an unmodelled service error by its service's base exception.
    expect(producer.attributes['error.type']).toBe('SQSServiceException');
  });
});
