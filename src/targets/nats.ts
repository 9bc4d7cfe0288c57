import type { TargetModule } from './types.js';

const modules = ['nats'];
// NATS headers are a MsgHdrs object only the library's `headers()` factory makes.
const carrier = { arg: 2, path: 'headers', format: 'nats', createHeaders: { name: 'headers', module: 'nats' }, fillMissing: true } as const;
const subject = { from: 'args', parts: [{ arg: 0 }] } as const;

/** NATS core and JetStream: publish/request carry headers; subscriptions and consumers deliver messages. */
export const nats: TargetModule = {
  library: 'nats',
  targets: [
    {
      id: 'nats.publish',
      library: 'nats',
      modules,
      role: 'produce',
      system: 'nats',
      operation: 'publish',
      match: { kind: 'method', types: ['NatsConnection', 'JetStreamClient'], method: 'publish' },
      destination: subject,
      carrier,
    },
    {
      id: 'nats.request',
      library: 'nats',
      modules,
      role: 'produce',
      system: 'nats',
      operation: 'send',
      match: { kind: 'method', types: ['NatsConnection'], method: 'request' },
      destination: subject,
      carrier,
    },
    {
      id: 'nats.subscribe',
      library: 'nats',
      modules,
      role: 'consume',
      system: 'nats',
      operation: 'process',
      match: { kind: 'method', types: ['NatsConnection'], method: 'subscribe' },
      handler: { arg: 1, property: 'callback' },
      destination: subject,
      // Callbacks receive `(err, msg)`.
      spec: { payloadArg: 1, headers: 'headers', format: 'nats' },
    },
    {
      id: 'nats.consume',
      library: 'nats',
      modules,
      role: 'consume',
      system: 'nats',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer', 'ExportedConsumer'], method: 'consume' },
      handler: { arg: 0, property: 'callback' },
      spec: { headers: 'headers', format: 'nats', destinationFrom: 'info.stream', id: 'seq' },
    },
    {
      id: 'nats.iterate',
      library: 'nats',
      modules,
      role: 'consume-loop',
      system: 'nats',
      operation: 'process',
      // Core subjects often embed ids, so a core message's subject is not used as the destination.
      elementTypes: ['Msg'],
      spec: { headers: 'headers', format: 'nats' },
    },
    {
      id: 'nats.jetstream-iterate',
      library: 'nats',
      modules,
      role: 'consume-loop',
      system: 'nats',
      operation: 'process',
      elementTypes: ['JsMsg'],
      spec: { headers: 'headers', format: 'nats', destinationFrom: 'info.stream', id: 'seq' },
    },
  ],
};
