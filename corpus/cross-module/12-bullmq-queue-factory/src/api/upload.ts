import { getExtractQueue } from '../queues.js';
import { scan, scanLimiter } from '../util/limiter.js';

export async function onUpload(documentId: string, s3Key: string, mime: string): Promise<string> {
  const clean = await scan(s3Key);
  if (!clean) throw new Error(`document ${documentId} failed virus scan`);

  const job = await getExtractQueue().add('extract', { documentId, s3Key, ocr: mime.startsWith('image/') }, { jobId: documentId });
  return job.id ?? documentId;
}

export async function warmScanner(keys: string[]): Promise<void> {
  await scanLimiter.addAll(keys.map((k) => () => scan(k)));
}
