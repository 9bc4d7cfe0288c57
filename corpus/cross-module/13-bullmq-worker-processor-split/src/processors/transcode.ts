import type { Job } from 'bullmq';
import { thumbnailQueue } from '../queues.js';

export interface TranscodeData {
  videoId: string;
  source: string;
  profiles: Array<'480p' | '720p' | '1080p'>;
}

export default async function transcode(job: Job<TranscodeData>): Promise<{ outputs: string[] }> {
  const outputs: string[] = [];
  for (const [i, profile] of job.data.profiles.entries()) {
    // ffmpeg invocation elided; the real worker shells out here.
    outputs.push(`${job.data.source}.${profile}.mp4`);
    await job.updateProgress(Math.round(((i + 1) / job.data.profiles.length) * 100));
  }
  await thumbnailQueue.add('thumbs', { videoId: job.data.videoId, atSeconds: [1, 5, 15] });
  return { outputs };
}
