import flows, { QUEUE } from '../queues.js';

export async function requestRender(videoId: string, source: string): Promise<string | undefined> {
  const tree = await flows.add({
    name: 'publish',
    queueName: QUEUE.publish,
    data: { videoId },
    children: [
      { name: 'transcode', queueName: QUEUE.transcode, data: { videoId, source, profiles: ['720p', '1080p'] } },
    ],
  });
  return tree.job.id;
}
