import { Worker, type Job } from 'bullmq';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';

const tracer = trace.getTracer('exports-worker');
const durations = metrics.getMeter('exports-worker').createHistogram('export.duration', { unit: 'ms' });

interface ExportJob {
  requestedBy: { id: string; email: string };
  format: 'csv' | 'xlsx';
  filters: { lastName?: string; postcode?: string; createdAfter?: string };
}

async function buildExport(filters: ExportJob['filters'], format: ExportJob['format']): Promise<{ rows: number; url: string }> {
  const r = await fetch('http://reports.internal/export', { method: 'POST', body: JSON.stringify({ filters, format }) });
  return (await r.json()) as { rows: number; url: string };
}

async function run(job: Job<ExportJob>): Promise<string> {
  const t0 = Date.now();
  const span = tracer.startSpan('export.run', { attributes: { 'job.id': job.id ?? '', 'job.queue': job.queueName, 'job.attempt': job.attemptsMade } }); // ok
  const { requestedBy, format, filters } = job.data;
  span.setAttribute('export.requester', requestedBy.id); // ok
  span.setAttribute('export.notify', requestedBy.email); // pii
  span.setAttribute('export.filters', JSON.stringify(filters)); // pii
  span.setAttribute('export.filter_keys', Object.keys(filters).sort().join(',')); // ok
  span.setAttribute('job.data', JSON.stringify(job.data)); // pii
  span.setAttribute('job.data_bytes', JSON.stringify(job.data).length); // ok
  try {
    const out = await buildExport(filters, format);
    await job.updateProgress(100);
    return out.url;
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'export failed' }); // ok
    throw err;
  } finally {
    durations.record(Date.now() - t0, { format, owner: requestedBy.email }); // pii
    span.end();
  }
}

export const worker = new Worker<ExportJob>('exports', run, { connection: { host: 'redis', port: 6379 } });

worker.on('failed', (job, err) => {
  const span = tracer.startSpan('export.failed'); // ok
  span.setAttribute('export.owner', job ? job.data.requestedBy.email : ''); // pii
  span.setAttribute('error.type', err.name); // ok
  span.end();
});
