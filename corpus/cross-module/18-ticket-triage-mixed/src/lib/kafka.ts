import { Kafka } from 'kafkajs';

export const kafka = new Kafka({
  clientId: 'ticket-triage',
  brokers: [process.env.KAFKA_BROKER ?? 'localhost:9092'],
});
