import { Kafka, logLevel, Partitioners } from 'kafkajs';

const kafka = new Kafka({
  clientId: 'orders-service',
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
  logLevel: logLevel.WARN,
});

export const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});

export const auditConsumer = kafka.consumer({ groupId: 'orders-audit' });

export const TOPICS = {
  orderCreated: 'orders.created.v1',
  orderShipped: 'orders.shipped.v1',
  inventory: 'inventory.adjusted.v1',
} as const;
