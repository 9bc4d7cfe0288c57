import amqp, { type ConsumeMessage } from 'amqplib';
import { context, propagation, trace, type Baggage } from '@opentelemetry/api';

const QUEUE = 'orders.fulfil';
const tracer = trace.getTracer('fulfilment-worker');

interface OrderPlaced {
  orderId: string;
  warehouseId: string;
  priority: 'low' | 'normal' | 'rush';
  lines: { sku: string; qty: number }[];
  giftMessage?: string;
  shipping: { country: string; carrier: string };
}

async function pickAndPack(order: OrderPlaced): Promise<void> {
  await fetch(`http://warehouse.internal/${order.warehouseId}/pick`, { method: 'POST', body: JSON.stringify(order.lines) });
}

function baggageFor(msg: ConsumeMessage, order: OrderPlaced): Baggage {
  let bag = propagation.getBaggage(propagation.extract(context.active(), msg.properties.headers ?? {})) ?? propagation.createBaggage();
  bag = bag.setEntry('order.id', { value: order.orderId }); // ok
  bag = bag.setEntry('order.priority', { value: order.priority }); // ok
  bag = bag.setEntry('shipping.country', { value: order.shipping.country }); // ok
  bag = bag.setEntry('order.lines', { value: JSON.stringify(order.lines) }); // pii
  bag = bag.setEntry('order.gift_message', { value: order.giftMessage ?? '' }); // pii
  bag = bag.setEntry('message.redelivered', { value: String(msg.fields.redelivered) }); // ok
  bag = bag.setEntry('message.headers', { value: JSON.stringify(msg.properties.headers) }); // pii
  for (const [name, header] of Object.entries(msg.properties.headers ?? {})) {
    bag = bag.setEntry(`amqp.header.${name}`, { value: String(header) }); // pii
  }
  return bag;
}

export async function startFulfilment(url: string): Promise<void> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  await ch.assertQueue(QUEUE, { durable: true });
  await ch.consume(QUEUE, async (msg) => {
    if (!msg) return;
    const raw = msg.content.toString('utf8');
    const order = JSON.parse(raw) as OrderPlaced;
    const rawBag = propagation.createBaggage({ 'order.raw': { value: raw } }); // pii
    const sizeBag = propagation.createBaggage({ 'message.size': { value: String(msg.content.length) } }); // ok
    const span = tracer.startSpan('orders.fulfil process');
    try {
      await context.with(propagation.setBaggage(context.active(), baggageFor(msg, order)), () => pickAndPack(order));
      await context.with(propagation.setBaggage(context.active(), rawBag), async () => undefined);
      await context.with(propagation.setBaggage(context.active(), sizeBag), async () => undefined);
      ch.ack(msg);
    } catch (error) {
      const failure = propagation.createBaggage({ 'failure.detail': { value: (error as Error).message } }); // pii
      const kind = propagation.createBaggage({ 'failure.type': { value: (error as Error).name } }); // ok
      context.with(propagation.setBaggage(context.active(), failure), () => ch.nack(msg, false, false));
      context.with(propagation.setBaggage(context.active(), kind), () => undefined);
    } finally {
      span.end();
    }
  });
}
