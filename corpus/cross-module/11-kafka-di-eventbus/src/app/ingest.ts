import type { Consumer, EachBatchPayload, Reading } from '@/infra/types';
import type { EventBus } from '@/app/EventBus';

const THRESHOLDS: Record<string, number> = { temperature: 85, humidity: 95 };

export async function runIngest(consumer: Consumer, bus: EventBus, store: (r: Reading[]) => Promise<void>): Promise<void> {
  await consumer.subscribe({ topics: ['telemetry.raw'] });
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
      const readings: Reading[] = [];
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const reading = JSON.parse(message.value?.toString() ?? '{}') as Reading;
        readings.push(reading);
        const limit = THRESHOLDS[reading.metric];
        if (limit !== undefined && reading.value > limit) {
          await bus.publish('alerts', reading.deviceId, { ...reading, limit });
        }
        resolveOffset(message.offset);
      }
      await store(readings);
      await heartbeat();
    },
  });
}
