import { auditConsumer, TOPICS } from '../kafka.js';

export async function startAudit(log: (line: string) => void): Promise<void> {
  await auditConsumer.connect();
  await auditConsumer.subscribe({ topics: [TOPICS.orderCreated, TOPICS.orderShipped], fromBeginning: false });
  await auditConsumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const value = message.value?.toString() ?? '';
      log(`${topic}[${partition}]@${message.offset} ${message.key?.toString() ?? '-'} ${value}`);
    },
  });
}
