import { Worker } from 'bullmq';
import { EventEmitter } from 'node:events';
import { connection, QUEUE } from './queues.js';
import transcode from './processors/transcode.js';
import { thumbnail } from './processors/thumbnail.js';

export const lifecycle = new EventEmitter();

const workers = [
  new Worker(QUEUE.transcode, transcode, { connection, concurrency: 2, lockDuration: 120_000 }),
  new Worker(QUEUE.thumbnail, thumbnail, { connection, concurrency: 8 }),
  new Worker(QUEUE.publish, new URL('./processors/publish.js', import.meta.url), { connection, useWorkerThreads: true }),
];

for (const w of workers) {
  w.on('failed', (job, err) => lifecycle.emit('failed', w.name, job?.id, err));
}

process.on('SIGTERM', async () => {
  await Promise.all(workers.map((w) => w.close()));
  process.exit(0);
});
