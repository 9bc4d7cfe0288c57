import { Kafka } from 'kafkajs';
import { context, propagation } from '@opentelemetry/api';

const kafka = new Kafka({ clientId: 'audit', brokers: ['127.0.0.1:9092'] });

/** @param {{ topic: string, partition: number }} where @param {string} action */
async function store(where, action) {
  await fetch('http://audit-store.internal/events', { method: 'POST', body: JSON.stringify({ ...where, action }) });
}

export async function startAudit() {
  const consumer = kafka.consumer({ groupId: 'audit' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'admin-actions' });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const event = JSON.parse(message.value?.toString() ?? '{}');
      const bag = propagation.createBaggage({
        'audit.topic': { value: topic }, // ok
        'audit.partition': { value: String(partition) }, // ok
        'audit.action': { value: event.action }, // ok
        'audit.payload': { value: message.value?.toString() ?? '' }, // pii
        'audit.changes': { value: JSON.stringify(event.changes) }, // pii
        'audit.comment': { value: event.comment ?? '' }, // pii
      });
      const tags = Object.keys(event.changes ?? {});
      const tagBag = propagation.createBaggage({ 'audit.changed_fields': { value: tags.join(',') } }); // pii
      const countBag = propagation.createBaggage({ 'audit.changed_count': { value: String(tags.length) } }); // ok
      await context.with(propagation.setBaggage(context.active(), bag), () => store({ topic, partition }, event.action));
      await context.with(propagation.setBaggage(context.active(), tagBag), async () => undefined);
      await context.with(propagation.setBaggage(context.active(), countBag), async () => undefined);
    },
  });
}
