import { Queue, Worker } from 'bullmq';
import { sendMail } from './mailer.js';

const connection = { host: '127.0.0.1', port: 6379 };

export const emailQueue = new Queue('emails', { connection });

export async function queueConfirmation(orderId: string, to: string) {
  await emailQueue.add('order-confirmation', { orderId, to }, { attempts: 3 });
}

export const emailWorker = new Worker(
  'emails',
  async (job) => {
    await sendMail(job.data.to, `Your order ${job.data.orderId}`);
    return { sent: true };
  },
  { connection, concurrency: 5 },
);
