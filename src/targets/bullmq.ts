import { defineLibrary } from './define.js';

const modules = ['bullmq'];
// BullMQ's own telemetry (`telemetry: new BullMQOtel(...)` on a Queue, Worker or FlowProducer) already
// propagates: never instrument twice. In a job's options, `telemetry` ({ metadata, omitContext }) is the
// job's own choice and is respected too.
const nativeTelemetry = 'telemetry';
// The carrier is where BullMQ's native telemetry keeps it: a JSON string in the job's options, so either
// side can read what the other wrote. The runtime leaves a job with `telemetry.omitContext: true` alone.
const carrier = { path: 'telemetry.metadata', format: 'json' } as const;
// Every job of a flow, at any depth: the root, its children, their children...
const flowJobs = `children[]*.opts.${carrier.path}`;

/**
 * BullMQ: producers add jobs to a queue (or a flow); a Worker's processor handles them. Not targeted:
 * job schedulers (`upsertJobScheduler`, repeatable jobs), whose jobs are created later by BullMQ and would all
 * share the context of the call that set the schedule.
 */
export const bullmq = defineLibrary({
  library: 'bullmq',
  modules,
  system: 'bullmq',
  targets: [
    {
      id: 'bullmq.add',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['Queue'], method: 'add' },
      destination: { from: 'receiver', property: 'name' },
      carrier: { arg: 2, ...carrier },
      nativeTelemetry,
    },
    {
      id: 'bullmq.addBulk',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['Queue'], method: 'addBulk' },
      destination: { from: 'receiver', property: 'name' },
      // Each job of the array; a job without `opts` gets them.
      carrier: { arg: 0, path: `[].opts.${carrier.path}`, format: carrier.format },
      nativeTelemetry,
    },
    {
      id: 'bullmq.flow',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['FlowProducer'], method: 'add' },
      // The root job's queue (children may be in other queues).
      destination: { from: 'args', parts: [{ arg: 0, property: 'queueName' }] },
      carrier: { arg: 0, path: flowJobs, format: carrier.format },
      nativeTelemetry,
    },
    {
      id: 'bullmq.flowBulk',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'method', types: ['FlowProducer'], method: 'addBulk' },
      carrier: { arg: 0, path: `[].${flowJobs}`, format: carrier.format },
      nativeTelemetry,
    },
    {
      id: 'bullmq.worker',
      role: 'consume',
      operation: 'process',
      match: { kind: 'new', class: 'Worker' },
      // A processor given as a file path or URL runs sandboxed in another process: reported, not wrapped.
      handler: { arg: 1 },
      destination: { from: 'args', parts: [{ arg: 0 }] },
      spec: { headers: `opts.${carrier.path}`, format: carrier.format, id: 'id', destinationFrom: 'queueName' },
      nativeTelemetry,
    },
  ],
});
