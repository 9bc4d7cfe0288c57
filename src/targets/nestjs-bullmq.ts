import { defineLibrary } from './define.js';

/**
 * `@nestjs/bullmq`: a `@Processor('queue')` class's `process(job)` handles the queue's jobs (its Worker is made
 * by Nest). Queues injected with `@InjectQueue` are BullMQ queues: the bullmq targets match their calls.
 */
export const nestjsBullmq = defineLibrary({
  library: 'nestjs-bullmq',
  modules: ['@nestjs/bullmq'],
  system: 'bullmq',
  targets: [
    {
      id: 'nestjs-bullmq.processor',
      role: 'consume-method',
      operation: 'process',
      match: { kind: 'decorator', decorator: 'Processor', method: 'process' },
      // `@Processor('q')` or `@Processor({ name: 'q' })`.
      destination: { from: 'args', parts: [[{ arg: 0 }, { arg: 0, property: 'name' }]] },
      // Where BullMQ's producers (and otelify's) keep the context: see bullmq.ts.
      spec: { headers: 'opts.telemetry.metadata', format: 'json', id: 'id', destinationFrom: 'queueName' },
    },
  ],
});
