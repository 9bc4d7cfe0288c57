import { startReportConsumer } from './jobs/consume.js';
import { scheduleMonth } from './jobs/schedule.js';

await startReportConsumer();
if (new Date().getDate() === 1) {
  await scheduleMonth((process.env.TENANTS ?? 'acme,globex').split(','));
}
