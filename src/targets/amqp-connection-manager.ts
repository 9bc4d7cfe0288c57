import { defineLibrary } from './define.js';

const types = ['ChannelWrapper'];

/**
 * amqp-connection-manager: a ChannelWrapper queues publishes while reconnecting and re-creates consumers, with
 * amqplib's calls and options. Channels handed to `addSetup` are amqplib channels (the amqplib targets match
 * them by type).
 */
export const amqpConnectionManager = defineLibrary({
  library: 'amqp-connection-manager',
  modules: ['amqp-connection-manager'],
  system: 'rabbitmq',
  targets: [
    {
      id: 'amqp-connection-manager.publish',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types, method: 'publish' },
      destination: { from: 'args', parts: [{ arg: 0 }, { arg: 1 }], join: ':' },
      carrier: { arg: 3, path: 'headers' },
    },
    {
      id: 'amqp-connection-manager.sendToQueue',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types, method: 'sendToQueue' },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      carrier: { arg: 2, path: 'headers' },
    },
    {
      id: 'amqp-connection-manager.consume',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types, method: 'consume' },
      handler: { arg: 1 },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      spec: { headers: 'properties.headers', id: 'properties.messageId' },
    },
  ],
});
