import { defineLibrary } from './define.js';
import { DATA_CARRIER_KEY } from './types.js';

// A Vendure job has no headers: the context rides in its data, under the config's `dataCarrierKey` (`_otel`),
// as for pg-boss. Vendure copies the data's own keys into the job (`Job.ensureDataIsSerializable`) and
// every job queue strategy stores that data as JSON, so the key reaches the worker; `job.data` is typed
// without it, which the handler never sees.
const key = DATA_CARRIER_KEY;

/**
 * Vendure's job queue (`@vendure/core`): `jobQueueService.createQueue({ name, process })` makes a queue whose
 * `process` function the worker calls with each job; `queue.add(data, options)` enqueues one. Vendure's own
 * telemetry (`@vendure/telemetry-plugin`) adds INTERNAL spans around instrumented methods (`JobQueue.add`
 * among them) but carries no context to the worker, so nothing here is left to it. Not targeted: a
 * `JobBuffer`'s `reduce()`, which may merge buffered jobs' data (a merged job carries whichever context the
 * reducer keeps).
 */
export const vendure = defineLibrary({
  library: 'vendure',
  modules: ['@vendure/core'],
  system: 'vendure',
  targets: [
    {
      id: 'vendure.add',
      role: 'produce',
      operation: 'send',
      match: { kind: 'method', types: ['JobQueue'], method: 'add' },
      // The queue's name at run time (`this.jobQueue.name`): queues are made in `onModuleInit`, far from the calls.
      destination: { from: 'receiver', property: 'name' },
      carrier: { arg: 0, path: key },
    },
    {
      id: 'vendure.process',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['JobQueueService'], method: 'createQueue' },
      handler: { arg: 0, property: 'process' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'name' }] },
      spec: { headers: `data.${key}`, id: 'id', destinationFrom: 'queueName' },
    },
  ],
});
