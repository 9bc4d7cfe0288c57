import { createKafka } from '@/infra/kafka';
import { EventBus } from '@/app/EventBus';
import { runIngest } from '@/app/ingest';

const kafka = createKafka('telemetry-ingest');
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: 'telemetry-ingest', sessionTimeout: 45_000 });

await Promise.all([producer.connect(), consumer.connect()]);

const bus = new EventBus(producer);
await bus.publish('lifecycle', 'ingest', { status: 'started', pid: process.pid });

await runIngest(consumer, bus, async (rows) => {
  console.log(`stored ${rows.length} readings`);
});
