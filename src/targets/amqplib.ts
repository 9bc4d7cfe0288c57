import type { TargetModule } from './types.js';

const modules = ['amqplib', '@types/amqplib'];
const types = ['Channel', 'ConfirmChannel'];

/** RabbitMQ through amqplib: publish/sendToQueue carry headers in `options.headers`; consume delivers messages. */
export const amqplib: TargetModule = {
  library: 'amqplib',
  targets: [
    {
      id: 'amqplib.publish',
      library: 'amqplib',
      modules,
      role: 'produce',
      system: 'rabbitmq',
      operation: 'publish',
      match: { kind: 'method', types, method: 'publish' },
      // Semantic conventions: destination is `{exchange}:{routing key}`, empty parts left out.
      destination: { from: 'args', parts: [{ arg: 0 }, { arg: 1 }], join: ':' },
      carrier: { arg: 3, path: 'headers' },
    },
    {
      id: 'amqplib.sendToQueue',
      library: 'amqplib',
      modules,
      role: 'produce',
      system: 'rabbitmq',
      operation: 'publish',
      match: { kind: 'method', types, method: 'sendToQueue' },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      carrier: { arg: 2, path: 'headers' },
    },
    {
      id: 'amqplib.consume',
      library: 'amqplib',
      modules,
      role: 'consume',
      system: 'rabbitmq',
      operation: 'process',
      match: { kind: 'method', types, method: 'consume' },
      handler: { arg: 1 },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      spec: { headers: 'properties.headers', id: 'properties.messageId' },
    },
  ],
};
