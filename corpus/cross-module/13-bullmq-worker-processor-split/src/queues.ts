import { Queue, FlowProducer } from 'bullmq';
import { connection, QUEUE } from './connection.js';

export interface ThumbnailData {
  videoId: string;
  atSeconds: number[];
}

export const thumbnailQueue = new Queue<ThumbnailData>(QUEUE.thumbnail, { connection });

const flows = new FlowProducer({ connection });
export default flows;
