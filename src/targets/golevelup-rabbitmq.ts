import { defineLibrary } from './define.js';

const types = ['AmqpConnection'];
// Handlers are called with `(message, amqpMessage, headers)`: the raw amqplib message is the second argument,
// whether or not the method declares it.
const handlerSpec = { payloadArg: 1, headers: 'properties.headers', id: 'properties.messageId' } as const;
const queue = { from: 'args', parts: [{ arg: 0, property: 'queue' }] } as const;

/** `@golevelup/nestjs-rabbitmq`: `AmqpConnection.publish` / `request`, and `@RabbitSubscribe` / `@RabbitRPC` handlers. */
export const golevelupRabbitmq = defineLibrary({
  library: 'golevelup-rabbitmq',
  modules: ['@golevelup/nestjs-rabbitmq'],
  system: 'rabbitmq',
  targets: [
    {
      id: 'golevelup-rabbitmq.publish',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types, method: 'publish' },
      destination: { from: 'args', parts: [{ arg: 0 }, { arg: 1 }], join: ':' },
      carrier: { arg: 3, path: 'headers' },
    },
    {
      id: 'golevelup-rabbitmq.request',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types, method: 'request' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'exchange' }, { arg: 0, property: 'routingKey' }], join: ':' },
      carrier: { arg: 0, path: 'headers' },
    },
    {
      id: 'golevelup-rabbitmq.subscribe',
      role: 'consume-method',
      operation: 'process',
      match: { kind: 'decorator', decorator: 'RabbitSubscribe' },
      destination: queue,
      spec: handlerSpec,
    },
    {
      id: 'golevelup-rabbitmq.rpc',
      role: 'consume-method',
      operation: 'process',
      match: { kind: 'decorator', decorator: 'RabbitRPC' },
      destination: queue,
      spec: handlerSpec,
    },
  ],
});
