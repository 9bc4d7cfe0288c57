import amqp from 'amqplib';
import { parseOrder } from './order.js';
import { reserveStock } from '../http/stock-client.js';

/** Reserves stock for every new order; failed orders go to the dead-letter exchange. */
export async function startOrderConsumer(url: string): Promise<() => Promise<void>> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.assertQueue('orders.reserve-stock', { durable: true });
  await channel.bindQueue('orders.reserve-stock', 'shop', 'order.created');
  await channel.prefetch(10);

  await channel.consume('orders.reserve-stock', async (msg) => {
    if (!msg) return;
    try {
      const order = parseOrder(msg.content);
      await reserveStock(order);
      channel.ack(msg);
    } catch (error) {
      channel.nack(msg, false, false);
      throw error;
    }
  });

  return async () => {
    await channel.close();
    await connection.close();
  };
}
