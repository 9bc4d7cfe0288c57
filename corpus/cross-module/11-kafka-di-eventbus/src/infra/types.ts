export type { Producer, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';

export interface Reading {
  deviceId: string;
  metric: string;
  value: number;
  ts: number;
}
