import { defineLibrary } from './define.js';

const modules = ['amqplib', '@types/amqplib'];
const types = ['Channel', 'ConfirmChannel'];

/** RabbitMQ through amqplib: publish/sendToQueue carry headers in `options.headers`; consume delivers messages. */
export const amqplib = defineLibrary({
  library: 'amqplib',
  modules,
  system: 'rabbitmq',
  targets: [
    {
      id: 'amqplib.publish',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types, method: 'publish' },
      // Semantic conventions: destination is `{exchange}:{routing key}`, empty parts left out.
      destination: { from: 'args', parts: [{ arg: 0 }, { arg: 1 }], join: ':' },
      carrier: { arg: 3, path: 'headers' },
    },
    {
      id: 'amqplib.sendToQueue',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types, method: 'sendToQueue' },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      carrier: { arg: 2, path: 'headers' },
    },
    {
      id: 'amqplib.consume',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types, method: 'consume' },
      handler: { arg: 1 },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      spec: { headers: 'properties.headers', id: 'properties.messageId' },
    },
  ],
});
