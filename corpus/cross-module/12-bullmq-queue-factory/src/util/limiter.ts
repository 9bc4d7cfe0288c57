import PQueue from 'p-queue';

// Local throttle for calls to the virus-scanning sidecar.
export const scanLimiter = new PQueue({ concurrency: 2 });

export async function scan(s3Key: string): Promise<boolean> {
  const verdict = await scanLimiter.add(async () => {
    const res = await fetch(`http://localhost:3310/scan?key=${encodeURIComponent(s3Key)}`);
    return (await res.json()) as { clean: boolean };
  }, { throwOnTimeout: true });
  return verdict.clean;
}
