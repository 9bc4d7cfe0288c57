import { randomUUID } from 'node:crypto';
import { broker, EXCHANGE } from '../broker.js';
import { domainEvents } from '../domain/events.js';

export interface OrderLine {
  sku: string;
  qty: number;
  unitPrice: number;
}

export async function placeOrder(customerId: string, lines: OrderLine[]): Promise<string> {
  const orderId = randomUUID();
  const total = lines.reduce((sum, l) => sum + l.qty * l.unitPrice, 0);

  await domainEvents.publish('order.placed', { orderId, total });

  const body = Buffer.from(JSON.stringify({ orderId, customerId, total, lines }));
  broker.channel.publish(EXCHANGE, 'order.created', body, { persistent: true, contentType: 'application/json', messageId: orderId });
  await broker.channel.waitForConfirms();
  return orderId;
}
