import type { Order } from '../orders/order.js';

/** The stock service's HTTP API; HTTP propagates trace context by itself. */
export async function reserveStock(order: Order): Promise<void> {
  const response = await fetch('http://stock.internal/reservations', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId: order.id, lines: order.lines }),
  });
  if (!response.ok) throw new Error(`stock reservation failed: ${response.status}`);
}
