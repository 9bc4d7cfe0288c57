import type { ConsumeMessage } from 'amqplib';
import { broker, EMAIL_QUEUE, EMAIL_DLQ } from '../broker.js';

async function sendReceipt(order: { orderId: string; customerId: string; total: number }): Promise<void> {
  console.log(`receipt for ${order.orderId} (${order.total.toFixed(2)}) -> customer ${order.customerId}`);
}

export async function startEmailConsumer(): Promise<string> {
  const { consumerTag } = await broker.channel.consume(EMAIL_QUEUE, async (msg: ConsumeMessage | null) => {
    if (!msg) return;
    try {
      await sendReceipt(JSON.parse(msg.content.toString()));
      broker.channel.ack(msg);
    } catch (err) {
      broker.channel.sendToQueue(EMAIL_DLQ, msg.content, { headers: { 'x-error': String(err) }, persistent: true });
      broker.channel.ack(msg);
    }
  });
  return consumerTag;
}
