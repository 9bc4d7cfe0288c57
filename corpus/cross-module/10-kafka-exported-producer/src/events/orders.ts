import { producer, TOPICS } from '../kafka.js';
import { outbox } from '../outbox/Outbox.js';

export interface OrderCreated {
  orderId: string;
  customerId: string;
  totalCents: number;
}

export async function emitOrderCreated(evt: OrderCreated): Promise<void> {
  await producer.send({
    topic: TOPICS.orderCreated,
    messages: [{ key: evt.orderId, value: JSON.stringify(evt), headers: { 'event-type': 'OrderCreated' } }],
  });
}

export function queueOrderShipped(orderId: string, carrier: string): void {
  outbox.add(TOPICS.orderShipped, orderId, { orderId, carrier, at: new Date().toISOString() });
}
