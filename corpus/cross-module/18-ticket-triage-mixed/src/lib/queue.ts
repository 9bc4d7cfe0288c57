import { Queue } from 'bullmq';

export const redis = { host: process.env.REDIS_HOST ?? 'localhost', port: 6379 };

export interface SummaryJob {
  ticketId: string;
  summary: string;
}

export const summaryQueue = new Queue<SummaryJob>('ticket-summaries', { connection: redis });
