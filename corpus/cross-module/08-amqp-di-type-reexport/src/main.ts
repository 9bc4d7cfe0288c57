import { connect } from 'amqplib';
import { InvoicePublisher } from './messaging/InvoicePublisher.js';
import { startChargeConsumer } from './billing/chargeConsumer.js';
import { QUEUES } from './messaging/types.js';

const conn = await connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@localhost:5672');
const channel = await conn.createChannel();
await channel.assertQueue(QUEUES.invoices, { durable: true });
await channel.assertExchange('billing.audit', 'fanout', { durable: false });

const publisher = new InvoicePublisher(channel);

await startChargeConsumer(channel, async (req) => {
  console.log('charging', req.invoiceId);
  publisher.publish({ id: req.invoiceId, accountId: 'acct_1', amountCents: 1999, currency: 'EUR' });
  channel.publish('billing.audit', '', Buffer.from(JSON.stringify({ type: 'charged', invoiceId: req.invoiceId, at: Date.now() })));
});
