import PQueue from 'p-queue';

// Keep at most four outstanding provider calls per process.
export const providerQueue = new PQueue({ concurrency: 4, interval: 1000, intervalCap: 10 });
