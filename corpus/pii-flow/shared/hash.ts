import { createHash } from 'node:crypto';

export function fingerprint(value: string): string {
  return createHash('sha256').update(value.trim().toLowerCase()).digest('hex').slice(0, 16);
}

export function bucket(value: string, buckets = 64): number {
  const h = createHash('md5').update(value).digest();
  return h.readUInt32BE(0) % buckets;
}
