// Sandboxed processor: loaded by BullMQ in a child process from its file URL, never imported directly.
import type { SandboxedJob } from 'bullmq';

export default async function publish(job: SandboxedJob<{ videoId: string }>): Promise<string> {
  const children = await job.getChildrenValues();
  const outputs = Object.values(children).flatMap((v) => (v as { outputs?: string[] }).outputs ?? []);
  await job.log(`publishing ${job.data.videoId} with ${outputs.length} renditions`);
  return `https://cdn.example.com/v/${job.data.videoId}/master.m3u8`;
}
