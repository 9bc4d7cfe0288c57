import { QUEUES, type Channel, type Invoice, type PublishOptions } from './types.js';

export class InvoicePublisher {
  constructor(
    private readonly channel: Channel,
    private readonly defaults: PublishOptions = { persistent: true, contentType: 'application/json' },
  ) {}

  publish(invoice: Invoice): boolean {
    const payload = Buffer.from(JSON.stringify(invoice));
    return this.channel.sendToQueue(QUEUES.invoices, payload, { ...this.defaults, messageId: invoice.id });
  }
}
