import { Worker, type Job } from 'bullmq';
import { redis, type SummaryJob } from '@/lib/queue';
import { embedSummary } from '@/ai/tasks';

const index = new Map<string, number[]>();

const worker = new Worker<SummaryJob>(
  'ticket-summaries',
  async (job: Job<SummaryJob>) => {
    const vector = await embedSummary(job.data.summary);
    index.set(job.data.ticketId, vector);
    return { dims: vector.length };
  },
  { connection: redis, concurrency: 5 },
);

worker.on('completed', (job) => console.log('indexed', job.data.ticketId));
