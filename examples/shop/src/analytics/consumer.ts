import { Kafka } from 'kafkajs';

const kafka = new Kafka({ clientId: 'analytics', brokers: ['127.0.0.1:9092'] });

/** Counts page views per product from the clickstream topic. */
export async function startClickstreamConsumer(counts: Map<string, number>) {
  const consumer = kafka.consumer({ groupId: 'analytics' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'clickstream', fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const productId = message.key?.toString();
      if (productId) counts.set(productId, (counts.get(productId) ?? 0) + 1);
    },
  });
  return consumer;
}

export async function trackView(productId: string) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'clickstream', messages: [{ key: productId, value: 'view' }] });
  await producer.disconnect();
}
