import { Queue } from 'bullmq';

const connection = {
  host: process.env.REDIS_HOST ?? '127.0.0.1',
  port: Number(process.env.REDIS_PORT ?? 6379),
};

export interface ExtractJob {
  documentId: string;
  s3Key: string;
  ocr: boolean;
}

export interface EmailJob {
  to: string;
  template: 'digest' | 'welcome' | 'reset';
  vars: Record<string, string>;
}

let extractQueue: Queue<ExtractJob> | undefined;

export function getExtractQueue(): Queue<ExtractJob> {
  extractQueue ??= new Queue<ExtractJob>('extract', {
    connection,
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: 1000 },
  });
  return extractQueue;
}

export const emailQueue = new Queue<EmailJob>('email', { connection });
