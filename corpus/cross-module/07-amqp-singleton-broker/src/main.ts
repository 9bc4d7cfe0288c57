import { broker } from './broker.js';
import { startEmailConsumer } from './emails/consumer.js';
import { placeOrder } from './orders/placeOrder.js';
import { domainEvents } from './domain/events.js';

domainEvents.subscribe<{ orderId: string; total: number }>('order.placed', (e) => {
  console.log('order placed', e.orderId, e.total);
});

await broker.connect();
await startEmailConsumer();
await placeOrder('c-42', [{ sku: 'book-1', qty: 2, unitPrice: 12.5 }]);

process.on('SIGTERM', () => void broker.close());
