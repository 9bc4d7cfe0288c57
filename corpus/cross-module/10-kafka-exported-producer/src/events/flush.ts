import type { TopicMessages } from 'kafkajs';
import { producer } from '../kafka.js';
import { outbox } from '../outbox/Outbox.js';

export async function flushOutbox(): Promise<number> {
  const rows = outbox.drain();
  if (rows.length === 0) return 0;

  const byTopic = new Map<string, TopicMessages>();
  for (const row of rows) {
    const entry = byTopic.get(row.topic) ?? { topic: row.topic, messages: [] };
    entry.messages.push({ key: row.key, value: row.payload });
    byTopic.set(row.topic, entry);
  }

  await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
  return rows.length;
}
