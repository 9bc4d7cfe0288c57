import type { Job } from 'bullmq';
import type { ThumbnailData } from '../queues.js';

export async function thumbnail(job: Job<ThumbnailData>): Promise<string[]> {
  return job.data.atSeconds.map((s) => `thumbs/${job.data.videoId}/${s}.jpg`);
}
