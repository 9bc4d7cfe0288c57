import type { Producer } from '@/infra/types';

export class EventBus {
  constructor(
    private readonly producer: Producer,
    private readonly prefix = 'telemetry',
  ) {}

  async publish(name: string, key: string, payload: object): Promise<void> {
    await this.producer.send({
      topic: `${this.prefix}.${name}`,
      messages: [{ key, value: JSON.stringify(payload) }],
    });
  }
}
