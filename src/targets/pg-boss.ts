import { defineLibrary } from './define.js';
import { DATA_CARRIER_KEY, type DestinationRule, type Match } from './types.js';

const modules = ['pg-boss'];
const match = (method: string): Extract<Match, { kind: 'method' }> => ({ kind: 'method', types: ['PgBoss'], method });
// A job has no headers: the context rides in its data, under the config's `dataCarrierKey` (`_otel`), where
// the handler and the job table show it.
const key = DATA_CARRIER_KEY;
// pg-boss 12.38 and later store the context themselves, in a column of the job table, once the constructor
// says `openTelemetry: { propagateContext: true }`: then those calls are left to pg-boss.
const nativeTelemetry = 'openTelemetry.propagateContext';
const selfTraces = {
  since: '12.38.0',
  note:
    "also emits its own send and process spans whenever a tracer provider is registered (they nest in otelify's, and its process span starts a trace of its own): " +
    "`openTelemetry: { propagateContext: true }` in `new PgBoss(...)` has pg-boss carry the context outside the job's data (otelify then leaves its calls alone), `openTelemetry: { enabled: false }` keeps only otelify's spans",
};
const fromName: DestinationRule = { from: 'args', parts: [{ arg: 0 }] };
const shared = { nativeTelemetry, selfTraces };

/**
 * pg-boss (10 and later): jobs are sent to a queue in PostgreSQL and a worker's handler receives them in
 * batches (an array, of one job unless `batchSize` says more). Not targeted: `schedule()` (its jobs are made
 * later by pg-boss and would all carry the context of the call that set the schedule), `upsert()`/`update()`
 * (they may rewrite an existing job's data), `flow()`, and `fetch()` loops.
 */
export const pgBoss = defineLibrary({
  library: 'pg-boss',
  modules,
  system: 'pg-boss',
  targets: [
    {
      id: 'pg-boss.send',
      role: 'produce',
      operation: 'send',
      match: { ...match('send'), overload: { arg: 0, is: 'string' } },
      destination: fromName,
      // A call without data gets `{ _otel: ... }` as its data.
      carrier: { arg: 1, path: key },
      ...shared,
    },
    {
      id: 'pg-boss.sendRequest',
      role: 'produce',
      operation: 'send',
      match: { ...match('send'), overload: { arg: 0, is: 'object' } },
      destination: { from: 'args', parts: [{ arg: 0, property: 'name' }] },
      carrier: { arg: 0, path: `data.${key}` },
      ...shared,
    },
    ...['sendAfter', 'sendThrottled', 'sendDebounced'].map((method) => ({
      id: `pg-boss.${method}`,
      role: 'produce' as const,
      operation: 'send',
      match: match(method),
      destination: fromName,
      carrier: { arg: 1, path: key },
      ...shared,
    })),
    {
      id: 'pg-boss.insert',
      role: 'produce',
      operation: 'insert',
      // pg-boss 12: `insert(name, jobs)`.
      match: { ...match('insert'), overload: { arg: 0, is: 'string' } },
      destination: fromName,
      carrier: { arg: 1, path: `[].data.${key}` },
      batch: '',
      ...shared,
    },
    {
      id: 'pg-boss.insertJobs',
      role: 'produce',
      operation: 'insert',
      // pg-boss 10 and 11: `insert(jobs)`, each job naming its queue.
      match: { ...match('insert'), overload: { arg: 0, is: 'array' } },
      carrier: { arg: 0, path: `[].data.${key}` },
      batch: '',
      ...shared,
    },
    {
      id: 'pg-boss.publish',
      role: 'produce',
      operation: 'publish',
      // Every queue subscribed to the event gets a job with this data, so each carries the publish span.
      match: match('publish'),
      destination: fromName,
      carrier: { arg: 1, path: key },
      ...shared,
    },
    // `work(name, handler)` and `work(name, options, handler)`: the handler is called once per batch.
    ...[1, 2].map((handler) => ({
      id: handler === 1 ? 'pg-boss.work' : 'pg-boss.workWithOptions',
      role: 'consume' as const,
      operation: 'process',
      match: match('work'),
      handler: { arg: handler },
      destination: fromName,
      batch: { messages: '', continueSingle: true },
      spec: { headers: `data.${key}`, id: 'id', destinationFrom: '0.name' },
      ...shared,
    })),
  ],
});
