import { producer } from './kafka.js';
import { emitOrderCreated, queueOrderShipped } from './events/orders.js';
import { flushOutbox } from './events/flush.js';
import { startAudit } from './consumers/audit.js';

await producer.connect();
await startAudit((line) => console.log(line));

await emitOrderCreated({ orderId: 'o-1', customerId: 'c-9', totalCents: 4599 });
queueOrderShipped('o-1', 'dhl');
setInterval(() => void flushOutbox(), 5_000);
