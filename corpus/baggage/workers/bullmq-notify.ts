import { Worker, type Job } from 'bullmq';
import { context, propagation } from '@opentelemetry/api';

interface DigestJob {
  accountId: string;
  recipients: string[];
  subject: string;
  sections: { heading: string; body: string }[];
  locale: string;
}

async function deliver(job: Job<DigestJob>): Promise<void> {
  await fetch('http://mailer.internal/digest', { method: 'POST', body: JSON.stringify({ id: job.id }) });
}

export const digestWorker = new Worker<DigestJob>(
  'digests',
  async (job) => {
    const bag = propagation
      .createBaggage()
      .setEntry('account.id', { value: job.data.accountId }) // ok
      .setEntry('job.name', { value: job.name }) // ok
      .setEntry('job.attempt', { value: String(job.attemptsMade) }) // ok
      .setEntry('digest.locale', { value: job.data.locale }) // ok
      .setEntry('digest.recipients', { value: job.data.recipients.join(';') }) // pii
      .setEntry('digest.subject', { value: job.data.subject }) // pii
      .setEntry('digest.sections', { value: JSON.stringify(job.data.sections) }) // pii
      .setEntry('digest.section_count', { value: String(job.data.sections.length) }); // ok
    await context.with(propagation.setBaggage(context.active(), bag), () => deliver(job));
  },
  { connection: { host: '127.0.0.1', port: 6379 } },
);
