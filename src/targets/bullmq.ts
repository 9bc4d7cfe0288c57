import type { TargetModule } from './types.js';

const modules = ['bullmq'];
// BullMQ's own telemetry (`telemetry: new BullMQOtel(...)`) already propagates: never instrument twice.
const nativeTelemetry = 'telemetry';
// The carrier is where BullMQ's native telemetry keeps it: a JSON string in the job's options, so either
// side can read what the other wrote.
const carrier = { path: 'telemetry.metadata', format: 'json' } as const;

/** BullMQ: producers add jobs to a queue (or a flow); a Worker's processor handles them. */
export const bullmq: TargetModule = {
  library: 'bullmq',
  targets: [
    {
      id: 'bullmq.add',
      library: 'bullmq',
      modules,
      role: 'produce',
      system: 'bullmq',
      operation: 'publish',
      match: { kind: 'method', types: ['Queue'], method: 'add' },
      destination: { from: 'receiver', property: 'name' },
      carrier: { arg: 2, ...carrier },
      nativeTelemetry,
    },
    {
      id: 'bullmq.addBulk',
      library: 'bullmq',
      modules,
      role: 'produce',
      system: 'bullmq',
      operation: 'publish',
      match: { kind: 'method', types: ['Queue'], method: 'addBulk' },
      destination: { from: 'receiver', property: 'name' },
      carrier: { arg: 0, path: `[].opts.${carrier.path}`, format: carrier.format },
      nativeTelemetry,
    },
    {
      id: 'bullmq.flow',
      library: 'bullmq',
      modules,
      role: 'produce',
      system: 'bullmq',
      operation: 'publish',
      match: { kind: 'method', types: ['FlowProducer'], method: 'add' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'queueName' }] },
      // The parent job and its direct children; deeper descendants are rare and keep BullMQ's defaults.
      carrier: { arg: 0, path: `opts.${carrier.path}|children[].opts.${carrier.path}`, format: carrier.format },
      nativeTelemetry,
    },
    {
      id: 'bullmq.worker',
      library: 'bullmq',
      modules,
      role: 'consume',
      system: 'bullmq',
      operation: 'process',
      match: { kind: 'new', class: 'Worker' },
      handler: { arg: 1 },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      spec: { headers: `opts.${carrier.path}`, format: carrier.format, id: 'id', destinationFrom: 'queueName' },
      nativeTelemetry,
    },
  ],
};
