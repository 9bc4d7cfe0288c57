import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { inRootSpan, observed, parentSpanId, setupOtel, waitFor } from './support/otel.js';
import { importRewritten } from './support/rewrite.js';
import { POSTGRES, serviceAvailable } from './support/services.js';

type Program = typeof import('../fixtures/vendure/exec-roundtrip.input.js');
type Vendure = typeof import('@vendure/core');
type Worker = Awaited<ReturnType<Vendure['bootstrapWorker']>>;

const available = await serviceAvailable(POSTGRES);

/**
 * A real Vendure worker (`bootstrapWorker`) with the rewritten plugin, its job queue in PostgreSQL through
 * Vendure's own SqlJobQueueStrategy (DefaultJobQueuePlugin): the job's data goes through Vendure's
 * serialisation, the job_record table and back before the process function sees it.
 */
describe.runIf(available)('Vendure job queue, rewritten, in a Vendure worker on PostgreSQL', () => {
  const otel = setupOtel();
  // A schema of this run's own: other tests use the same database.
  const schema = `otelify_vendure_${process.pid}_${Date.now()}`;
  let program: Program;
  let vendure: Vendure;
  let worker: Worker;
  /** Vendure's own connection (TypeORM), to read the job table and drop the schema. */
  let database: { query: (sql: string, parameters?: unknown[]) => Promise<Record<string, unknown>[]> };

  beforeAll(async () => {
    // Vendure reports anonymous usage at start-up unless told not to; a test sends nothing anywhere.
    process.env.VENDURE_DISABLE_TELEMETRY = 'true';
    program = await importRewritten<Program>(join(FIXTURES, 'vendure/exec-roundtrip.input.ts'), { legacyDecorators: true });
    // TypeORM (Vendure's own, through @vendure/core) does not create a schema it is told to use.
    const admin = new DataSource({ type: 'postgres', host: POSTGRES.host, port: POSTGRES.port, username: 'postgres', database: 'test' });
    await admin.initialize();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.destroy();
    vendure = await import('@vendure/core');
    const { DefaultJobQueuePlugin, DefaultLogger, LogLevel, bootstrapWorker, defaultConfig, mergeConfig } = vendure;
    const config = mergeConfig(defaultConfig, {
      dbConnectionOptions: { type: 'postgres', host: POSTGRES.host, port: POSTGRES.port, username: 'postgres', database: 'test', schema, synchronize: true },
      logger: new DefaultLogger({ level: LogLevel.Error }),
      plugins: [DefaultJobQueuePlugin.init({ pollInterval: 50, backoffStrategy: () => 0 }), program.OrderExportPlugin],
    });
    worker = await bootstrapWorker(config);
    await worker.startJobQueue();
    database = worker.app.get(vendure.TransactionalConnection).rawConnection;
  }, 60_000);

  afterAll(async () => {
    await database?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await worker?.app.close();
    await otel.shutdown();
  }, 30_000);

  const ours = (kind: SpanKind) => otel.spans().filter((s) => s.kind === kind && s.instrumentationScope.name === 'otelify');
  const exporter = () => worker.app.get(program.OrderExporter);
  /** The job's data as Vendure stored it (a JSON text column). */
  const stored = async (id: string | number | null) => JSON.parse(String((await database.query(`SELECT data FROM ${schema}.job_record WHERE id = $1`, [id]))[0]!.data));
  const consumersOf = (id: string | number | null) => ours(SpanKind.CONSUMER).filter((s) => s.attributes['messaging.message.id'] === String(id));

  it('continues the producer trace in the process function, with baggage, and ends every span', async () => {
    otel.reset();
    const seen: ReturnType<typeof observed<string>>[] = [];
    program.OrderExporter.onJob = (job) => seen.push(observed(job.data.orderCode));
    const { root, result } = inRootSpan(() => exporter().exportOrder({ orderCode: 'A-1' }));
    const job = await result;

    const [producer, ...others] = ours(SpanKind.PRODUCER);
    expect(others).toEqual([]);
    expect(producer!.name).toBe(`send ${program.EXPORTS}`);
    expect(parentSpanId(producer!)).toBe(root.spanContext().spanId);
    expect(producer!.attributes).toMatchObject({
      'messaging.system': 'vendure',
      'messaging.operation.type': 'send',
      'messaging.destination.name': program.EXPORTS,
    });
    // The context is in the job's data as Vendure stored it, beside the user's fields.
    const data = await stored(job.id);
    expect(data).toMatchObject({ orderCode: 'A-1', _otel: { traceparent: expect.stringContaining(producer!.spanContext().spanId), baggage: 'tenant.id=acme' } });

    await waitFor(() => seen.length === 1, 15_000, 'the processed job');
    expect(seen[0]).toEqual({ body: 'A-1', traceId: root.spanContext().traceId, tenant: 'acme' });
    const [consumer, ...more] = await waitFor(() => consumersOf(job.id).length === 1 && consumersOf(job.id), 10_000, 'the consumer span');
    expect(more).toEqual([]);
    expect(consumer!.name).toBe(`process ${program.EXPORTS}`);
    expect(parentSpanId(consumer!)).toBe(producer!.spanContext().spanId);
    expect(consumer!.attributes).toMatchObject({
      'messaging.system': 'vendure',
      'messaging.operation.type': 'process',
      'messaging.destination.name': program.EXPORTS,
      'messaging.message.id': String(job.id),
    });
    expect(consumer!.status.code).toBe(SpanStatusCode.UNSET);
  }, 30_000);

  it('marks a throwing job ERROR on every attempt and leaves the error to Vendure, which retries and then fails it', async () => {
    otel.reset();
    let attempts = 0;
    program.OrderExporter.onJob = () => attempts++;
    const { root, result } = inRootSpan(() => exporter().exportOrder({ orderCode: 'B-2', fail: true }, 1));
    const job = await result;

    const consumers = await waitFor(() => consumersOf(job.id).length === 2 && consumersOf(job.id), 15_000, 'two attempts');
    expect(attempts).toBe(2);
    const [producer] = ours(SpanKind.PRODUCER);
    for (const span of consumers) {
      expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(parentSpanId(span)).toBe(producer!.spanContext().spanId);
      // The error's class only, never its message (it may quote user data).
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error' });
      expect(span.attributes['error.type']).toBe('Error');
      expect(span.events.map((e) => e.attributes?.['exception.type'])).toEqual(['Error']);
    }
    // Vendure saw the error: the job is FAILED after its one retry, with the handler's message.
    let row: Record<string, unknown> | undefined;
    for (const deadline = Date.now() + 10_000; row?.state !== 'FAILED' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      row = (await database.query(`SELECT state, error, attempts FROM ${schema}.job_record WHERE id = $1`, [job.id]))[0];
    }
    expect(row).toMatchObject({ state: 'FAILED', attempts: 2, error: 'export of B-2 failed' });
  }, 30_000);
});
