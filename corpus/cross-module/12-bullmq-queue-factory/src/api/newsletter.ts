import { emailQueue, type EmailJob } from '../queues.js';

export interface Subscriber {
  email: string;
  firstName: string;
}

export async function sendDigest(subscribers: Subscriber[], issue: string): Promise<number> {
  const jobs: { name: string; data: EmailJob }[] = [];
  for (const s of subscribers) {
    jobs.push({ name: 'digest', data: { to: s.email, template: 'digest', vars: { firstName: s.firstName, issue } } });
  }
  const added = await emailQueue.addBulk(jobs);
  return added.length;
}
