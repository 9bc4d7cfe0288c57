import { Kafka } from 'kafkajs';
import { trace, metrics, SpanKind } from '@opentelemetry/api';

const kafka = new Kafka({ clientId: 'fulfilment', brokers: (process.env.KAFKA_BROKERS || 'localhost:9092').split(',') });
const tracer = trace.getTracer('fulfilment');
const consumed = metrics.getMeter('fulfilment').createCounter('orders.consumed');
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: 'fulfilment' });

/**
 * @param {{ orderId: string, customerEmail: string, shipping: { name: string, street: string, city: string }, lines: { sku: string, qty: number }[] }} order
 */
export async function publishOrder(order) {
  await producer.send({ topic: 'orders.placed', messages: [{ key: order.customerEmail, value: JSON.stringify(order) }] });
}

export async function start() {
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders.placed', fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const s = tracer.startSpan(`${topic} process`, { kind: SpanKind.CONSUMER }); // ok
      s.setAttribute('messaging.destination.name', topic); // ok
      const k = message.key ? message.key.toString() : '';
      s.setAttribute('messaging.kafka.message.key', k); // pii
      if (!message.value) {
        s.end();
        return;
      }
      const raw = message.value.toString();
      const v = JSON.parse(raw);
      s.setAttribute('order.id', v.orderId); // ok
      s.updateName(`order ${v.orderId} for ${v.customerEmail}`); // pii
      s.setAttribute('order.ship_to', v.shipping.name + ', ' + v.shipping.street); // pii
      s.addEvent('order.raw', { value: raw }); // pii
      s.addEvent('order.received', { bytes: message.value.length }); // ok
      consumed.add(1, { topic, partition }); // ok
      s.end();
    },
  });
}
