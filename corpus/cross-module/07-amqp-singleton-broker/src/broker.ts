import amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel } from 'amqplib';

export const EXCHANGE = 'shop.events';
export const EMAIL_QUEUE = 'shop.emails';
export const EMAIL_DLQ = 'shop.emails.dead';

class Broker {
  private connection?: ChannelModel;
  channel!: ConfirmChannel;

  async connect(url = process.env.AMQP_URL ?? 'amqp://localhost'): Promise<void> {
    if (this.connection) return;
    this.connection = await amqp.connect(url);
    this.channel = await this.connection.createConfirmChannel();
    await this.channel.assertExchange(EXCHANGE, 'topic', { durable: true });
    await this.channel.assertQueue(EMAIL_QUEUE, { durable: true, deadLetterExchange: '', deadLetterRoutingKey: EMAIL_DLQ });
    await this.channel.assertQueue(EMAIL_DLQ, { durable: true });
    await this.channel.bindQueue(EMAIL_QUEUE, EXCHANGE, 'order.*');
    await this.channel.prefetch(10);
  }

  async close(): Promise<void> {
    await this.channel?.close();
    await this.connection?.close();
    this.connection = undefined;
  }
}

export const broker = new Broker();
