import { defineLibrary } from './define.js';

// The Confluent client's KafkaJS-compatible API has the same shapes and type names.
const modules = ['kafkajs', '@confluentinc/kafka-javascript'];
// `send`/`sendBatch` are declared on kafkajs's `Sender`, shared by `Producer` and `Transaction`.
const senders = ['Producer', 'Transaction', 'Sender'];

/** Kafka through kafkajs: per-message headers on send; eachMessage and eachBatch handlers on run. */
export const kafkajs = defineLibrary({
  library: 'kafkajs',
  modules,
  system: 'kafka',
  targets: [
    {
      id: 'kafkajs.send',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types: senders, method: 'send' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'topic' }] },
      carrier: { arg: 0, path: 'messages[].headers' },
      batch: 'messages',
    },
    {
      id: 'kafkajs.sendBatch',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types: senders, method: 'sendBatch' },
      carrier: { arg: 0, path: 'topicMessages[].messages[].headers' },
    },
    {
      id: 'kafkajs.eachMessage',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer'], method: 'run' },
      handler: { arg: 0, property: 'eachMessage' },
      // Headers arrive as Buffers (or arrays of them); the runtime decodes them.
      spec: { destinationFrom: 'topic', message: 'message', headers: 'headers' },
    },
    {
      id: 'kafkajs.eachBatch',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer'], method: 'run' },
      handler: { arg: 0, property: 'eachBatch' },
      batch: { messages: 'batch.messages' },
      spec: { destinationFrom: 'batch.topic', headers: 'headers' },
    },
  ],
});
