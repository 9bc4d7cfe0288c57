import { Kafka } from 'kafkajs';

export function createKafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [process.env.KAFKA_BROKER ?? 'localhost:9092'],
    ssl: process.env.KAFKA_SSL === '1',
  });
}
