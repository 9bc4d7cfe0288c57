import type { Channel } from 'amqplib';
import type { Order } from './order.js';

const EXCHANGE = 'shop';

/** Announces a new order to everyone bound to the shop exchange. */
export function publishOrderCreated(channel: Channel, order: Order): boolean {
  return channel.publish(EXCHANGE, 'order.created', Buffer.from(JSON.stringify(order)), {
    contentType: 'application/json',
    messageId: order.id,
    persistent: true,
  });
}

/** Asks the invoicing service for an invoice, on its work queue. */
export function requestInvoice(channel: Channel, order: Order): boolean {
  return channel.sendToQueue('invoices', Buffer.from(order.id));
}
