import { defineLibrary } from './define.js';
import type { Destination } from './types.js';

// One message, an array of them, or an AMQP annotated message: each carries `applicationProperties`.
const carrier = { arg: 0, path: 'applicationProperties|[].applicationProperties', carriedBy: ['ServiceBusMessageBatch'] } as const;
const message = { headers: 'applicationProperties', id: 'messageId' } as const;
// The entity as the call that made the sender (receiver) names it, else its `entityPath` read at run time.
const senderEntity: Destination = [
  { from: 'receiver-factory', methods: ['createSender'], parts: [{ arg: 0 }] },
  { from: 'receiver', property: 'entityPath' },
];
// `createReceiver(queue)` or `createReceiver(topic, subscription)`, named as its `entityPath` is.
const receiverEntity: Destination = [
  { from: 'receiver-factory', methods: ['createReceiver'], parts: [{ arg: 0 }, { arg: 1 }], join: '/Subscriptions/' },
  { from: 'receiver', property: 'entityPath' },
];

/**
 * Azure Service Bus (`@azure/service-bus`): senders send messages (or a batch, whose messages are encoded as
 * they are added, so the context goes in at `tryAddMessage`); receivers hand messages to `processMessage` or
 * return them from `receiveMessages`. The SDK's own tracing is off unless Azure's OpenTelemetry plugin is set
 * up; it reads only `Diagnostic-Id`, never otelify's keys.
 */
export const azureServiceBus = defineLibrary({
  library: 'azure-service-bus',
  modules: ['@azure/service-bus'],
  system: 'servicebus',
  targets: [
    {
      id: 'azure-service-bus.sendMessages',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types: ['ServiceBusSender'], method: 'sendMessages' },
      destination: senderEntity,
      carrier,
    },
    {
      id: 'azure-service-bus.scheduleMessages',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types: ['ServiceBusSender'], method: 'scheduleMessages' },
      destination: senderEntity,
      carrier,
    },
    {
      id: 'azure-service-bus.tryAddMessage',
      role: 'produce',
      operation: 'create',
      match: { kind: 'method', types: ['ServiceBusMessageBatch'], method: 'tryAddMessage' },
      carrier: { arg: 0, path: 'applicationProperties' },
    },
    {
      id: 'azure-service-bus.subscribe',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['ServiceBusReceiver', 'ServiceBusSessionReceiver'], method: 'subscribe' },
      handler: { arg: 0, property: 'processMessage' },
      destination: receiverEntity,
      spec: message,
    },
    {
      id: 'azure-service-bus.iterate',
      role: 'consume-loop',
      operation: 'process',
      elementTypes: ['ServiceBusReceivedMessage'],
      spec: message,
    },
  ],
});
