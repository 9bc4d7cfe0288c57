import { defineLibrary, type TargetSpec } from './define.js';

/**
 * amqplib's calls on a channel: publish/sendToQueue carry headers in `options.headers`; consume delivers
 * messages. Libraries that wrap a channel with the same calls (amqp-connection-manager) declare theirs with it.
 */
export function channelTargets(library: string, types: string[]): TargetSpec[] {
  return [
    {
      id: `${library}.publish`,
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types, method: 'publish' },
      // Semantic conventions: destination is `{exchange}:{routing key}`, empty parts left out.
      destination: { from: 'args', parts: [{ arg: 0 }, { arg: 1 }], join: ':' },
      carrier: { arg: 3, path: 'headers' },
    },
    {
      id: `${library}.sendToQueue`,
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types, method: 'sendToQueue' },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      carrier: { arg: 2, path: 'headers' },
    },
    {
      id: `${library}.consume`,
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types, method: 'consume' },
      handler: { arg: 1 },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      spec: { headers: 'properties.headers', id: 'properties.messageId' },
    },
  ];
}

/** RabbitMQ through amqplib. */
export const amqplib = defineLibrary({
  library: 'amqplib',
  modules: ['amqplib', '@types/amqplib'],
  system: 'rabbitmq',
  targets: channelTargets('amqplib', ['Channel', 'ConfirmChannel']),
});
