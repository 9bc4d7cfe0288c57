import { getExtractQueue } from '../queues.js';

export async function scheduleReindex(documentIds: string[], delayMs = 60_000): Promise<void> {
  const queue = getExtractQueue();
  for (const [i, documentId] of documentIds.entries()) {
    await queue.add('reindex', { documentId, s3Key: `docs/${documentId}`, ocr: false }, { delay: delayMs + i * 250, priority: 10 });
  }
}
