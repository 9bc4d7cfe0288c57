import { defineLibrary } from './define.js';

// nats.js 2 is the `nats` package; nats.js 3 is split into `@nats-io/*` packages (the core, a transport each,
// JetStream, services) with the same calls, declared in `@nats-io/nats-core` and the others.
const modules = ['nats', '@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream', '@nats-io/services', '@nats-io/transport-deno'];
// NATS headers are a MsgHdrs object only the library's `headers()` factory makes (nats.js 3 exports it from the
// core and every transport). The payload before the options is optional (`nc.publish(subject)`): `undefined` is
// passed for it when the options are added.
const carrier = {
  arg: 2,
  path: 'headers',
  format: 'nats',
  createHeaders: { name: 'headers', modules: ['nats', '@nats-io/transport-node', '@nats-io/nats-core'] },
  fillMissing: true,
} as const;
const subject = { from: 'args', parts: [{ arg: 0 }] } as const;
// Subscription and service callbacks receive `(err, msg)`.
const callbackSpec = { payloadArg: 1, headers: 'headers', format: 'nats' } as const;
const jetStreamSpec = { headers: 'headers', format: 'nats', destinationFrom: 'info.stream', id: 'seq' } as const;

/**
 * NATS core and JetStream (nats.js 2 and 3): publish/request/requestMany carry headers; subscriptions, JetStream
 * consumers and service endpoints deliver messages to callbacks or to async iterators (message loops).
 */
export const nats = defineLibrary({
  library: 'nats',
  modules,
  system: 'nats',
  targets: [
    {
      id: 'nats.publish',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['NatsConnection', 'JetStreamClient'], method: 'publish' },
      destination: subject,
      carrier,
    },
    {
      id: 'nats.request',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types: ['NatsConnection'], method: 'request' },
      destination: subject,
      carrier,
    },
    {
      id: 'nats.request-many',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types: ['NatsConnection'], method: 'requestMany' },
      destination: subject,
      carrier,
    },
    {
      id: 'nats.subscribe',
      role: 'consume',
      operation: 'process',
      // Without a callback the subscription is iterated: see the message loops below.
      match: { kind: 'method', types: ['NatsConnection'], method: 'subscribe' },
      handler: { arg: 1, property: 'callback' },
      destination: subject,
      spec: callbackSpec,
    },
    {
      id: 'nats.consume',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer', 'ExportedConsumer'], method: 'consume' },
      handler: { arg: 0, property: 'callback' },
      spec: jetStreamSpec,
    },
    {
      // `srv.addEndpoint(name, { handler })`; the endpoint's subject may carry a group prefix, so it is not
      // taken from the name.
      id: 'nats.service-endpoint',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['ServiceGroup', 'Service'], method: 'addEndpoint' },
      handler: { arg: 1, property: 'handler' },
      spec: callbackSpec,
    },
    {
      // `srv.addEndpoint(name, handler)`.
      id: 'nats.service-handler',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['ServiceGroup', 'Service'], method: 'addEndpoint' },
      handler: { arg: 1 },
      spec: callbackSpec,
    },
    {
      id: 'nats.iterate',
      role: 'consume-loop',
      operation: 'process',
      // Core subjects often embed ids, so a core message's subject is not used as the destination.
      elementTypes: ['Msg', 'ServiceMsg'],
      spec: { headers: 'headers', format: 'nats' },
    },
    {
      id: 'nats.jetstream-iterate',
      role: 'consume-loop',
      operation: 'process',
      elementTypes: ['JsMsg'],
      spec: jetStreamSpec,
    },
  ],
});
