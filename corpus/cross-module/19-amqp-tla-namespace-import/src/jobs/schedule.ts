import * as rabbit from '../rabbit.js';
import type { ReportRequest } from '../lib/render.js';

export function requestReport(req: ReportRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    rabbit.channel.sendToQueue(rabbit.REPORTS, Buffer.from(JSON.stringify(req)), { persistent: true }, (err) => (err ? reject(err) : resolve()));
  });
}

export async function scheduleMonth(tenants: string[]): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const tenant of tenants) {
    pending.push(requestReport({ reportId: `${tenant}-${Date.now()}`, kind: 'monthly', tenant }));
  }
  await Promise.all(pending);
}
