import { defineLibrary } from './define.js';
import type { Destination } from './types.js';

const attributes = { path: 'attributes' } as const;

// The topic's (subscription's) id as the call that made it names it, as the client's own tracing records it; else
// its `name` read at run time (`projects/<project>/topics/<id>`).
const topicName: Destination = [
  { from: 'receiver-factory', methods: ['topic'], parts: [{ arg: 0 }] },
  { from: 'receiver', property: 'name' },
];
const subscriptionName: Destination = [
  { from: 'receiver-factory', methods: ['subscription'], parts: [{ arg: 0 }] },
  { from: 'receiver', property: 'name' },
];

/**
 * Google Cloud Pub/Sub: the context goes into a message's `attributes` (string values, at most 100 per message);
 * `subscription.on('message', handler)` gets each message. The client's own tracing
 * (`enableOpenTelemetryTracing`) writes `googclient_traceparent` and makes no span current in the handler:
 * otelify's keys are its own, so both can run (the report says where the client's is on).
 */
export const gcpPubsub = defineLibrary({
  library: 'gcp-pubsub',
  modules: ['@google-cloud/pubsub'],
  system: 'gcp_pubsub',
  targets: [
    {
      id: 'gcp-pubsub.publishMessage',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['Topic'], method: 'publishMessage' },
      destination: topicName,
      carrier: { arg: 0, ...attributes },
    },
    {
      // `publish(data, attributes?)`: the attributes object itself is the carrier (created when absent).
      id: 'gcp-pubsub.publish',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['Topic'], method: 'publish' },
      destination: topicName,
      carrier: { arg: 1, path: '' },
    },
    {
      id: 'gcp-pubsub.publishJSON',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['Topic'], method: 'publishJSON' },
      destination: topicName,
      carrier: { arg: 1, path: '' },
    },
    {
      id: 'gcp-pubsub.on-message',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['Subscription'], method: 'on', event: 'message' },
      handler: { arg: 1 },
      destination: subscriptionName,
      spec: { headers: 'attributes', id: 'id' },
    },
  ],
});
