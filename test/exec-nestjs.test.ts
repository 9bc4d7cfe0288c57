import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { RABBITMQ, REDIS, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/nestjs/exec-app.input.js');

const available = (await serviceAvailable(RABBITMQ)) && (await serviceAvailable(REDIS));

describe.runIf(available)('a NestJS application, rewritten, against RabbitMQ (@golevelup/nestjs-rabbitmq) and Redis (@nestjs/bullmq)', () => {
  const otel = setupOtel();
  let program: Program;
  let app: INestApplicationContext;
  const seen: { what: string; traceId?: string; tenant?: string }[] = [];
  beforeAll(async () => {
    process.env['OTELIFY_TEST_SUFFIX'] = `${process.pid}-${Date.now()}`;
    program = await importRewritten<Program>(join(FIXTURES, 'nestjs/exec-app.input.ts'), { legacyDecorators: true });
    program.handled.onHandled = (what) =>
      seen.push({ what, traceId: trace.getActiveSpan()?.spanContext().traceId, tenant: propagation.getBaggage(context.active())?.getEntry('tenant.id')?.value });
    app = await NestFactory.createApplicationContext(program.AppModule, { logger: false });
    await app.init();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await otel.shutdown();
  });

  const consumerOf = (name: string) => waitFor(() => otel.spans().find((s) => s.kind === SpanKind.CONSUMER && s.name === name), 10_000, `the span ${name}`);

  it('a published event reaches its @RabbitSubscribe handler in the same trace, with baggage', async () => {
    const orders = app.get(program.Orders);
    const { root, result } = inRootSpan(() => orders.place('o-1'));
    await result;
    await waitFor(() => seen.find((s) => s.what === 'bill:o-1'), 10_000, 'the billing handler');
    expect(seen.find((s) => s.what === 'bill:o-1')).toMatchObject({ traceId: root.spanContext().traceId, tenant: 'acme' });
    const producer = otel.spans().find((s) => s.kind === SpanKind.PRODUCER && s.name === `publish ${program.EXCHANGE}:order.placed`)!;
    expect(parentSpanId(producer)).toBe(root.spanContext().spanId);
    const consumer = await consumerOf(`process ${program.BILLING}`);
    expect(parentSpanId(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.destination.name': program.BILLING });
  });

  it('an RPC answered by a @RabbitRPC method runs in the requester\'s trace and the answer comes back', async () => {
    const orders = app.get(program.Orders);
    const { root, result } = inRootSpan(() => orders.quote('abc'));
    expect(await result).toEqual({ price: 30 });
    expect(seen.find((s) => s.what === 'quote:abc')).toMatchObject({ traceId: root.spanContext().traceId, tenant: 'acme' });
    const request = otel.spans().find((s) => s.kind === SpanKind.PRODUCER && s.name === `send ${program.EXCHANGE}:quote`)!;
    expect(request.attributes['messaging.operation.name']).toBe('send');
    const handler = await consumerOf(`process ${program.QUOTES}`);
    expect(parentSpanId(handler)).toBe(request.spanContext().spanId);
  });

  it('a job added to an @InjectQueue queue is processed by the @Processor class in the same trace; a throwing process() ends ERROR', async () => {
    const orders = app.get(program.Orders);
    const { root, result } = inRootSpan(() => orders.confirm('o-2'));
    await result;
    await waitFor(() => seen.find((s) => s.what === 'email:o-2'), 10_000, 'the email processor');
    expect(seen.find((s) => s.what === 'email:o-2')).toMatchObject({ traceId: root.spanContext().traceId, tenant: 'acme' });
    const processed = await consumerOf(`process ${program.EMAILS}`);
    expect(processed.attributes['messaging.system']).toBe('bullmq');

    otel.reset();
    await orders.confirm('broken');
    const failed = await consumerOf(`process ${program.EMAILS}`);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('TypeError');
  });

  it('a throwing @RabbitSubscribe handler ends its span in ERROR', async () => {
    otel.reset();
    await app.get(program.Orders).place('broken');
    const failed = await consumerOf(`process ${program.BILLING}`);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('RangeError');
  });
});
