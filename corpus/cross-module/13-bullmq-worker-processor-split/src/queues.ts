import { Queue, FlowProducer, type ConnectionOptions } from 'bullmq';

export const connection: ConnectionOptions = {
  host: process.env.REDIS_HOST ?? 'localhost',
  port: 6379,
  maxRetriesPerRequest: null,
};

export const QUEUE = {
  transcode: 'render-transcode',
  thumbnail: 'render-thumbnail',
  publish: 'render-publish',
} as const;

export interface ThumbnailData {
  videoId: string;
  atSeconds: number[];
}

export const thumbnailQueue = new Queue<ThumbnailData>(QUEUE.thumbnail, { connection });

const flows = new FlowProducer({ connection });
export default flows;
