import amqp from 'amqplib';
import { trace, context, propagation, metrics, SpanKind, SpanStatusCode } from '@opentelemetry/api';

const QUEUE = 'user.registered';
const tracer = trace.getTracer('welcome-worker');
const processed = metrics.getMeter('welcome-worker').createCounter('messages.processed');

interface RegisteredEvent {
  userId: string;
  source: 'web' | 'ios' | 'android' | 'import';
  profile: { email: string; firstName: string; locale: string };
  occurredAt: string;
}

async function sendWelcome(p: RegisteredEvent['profile']): Promise<void> {
  const r = await fetch('http://mailer.internal/send', { method: 'POST', body: JSON.stringify({ to: p.email, template: 'welcome', locale: p.locale }) });
  if (r.status === 550) {
    throw new Error('mailer rejected ' + p.email + ': mailbox unavailable');
  }
}

export async function start(url: string): Promise<void> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  await ch.assertQueue(QUEUE, { durable: true });
  await ch.prefetch(10);

  await ch.consume(QUEUE, async (msg) => {
    if (!msg) return;
    const parent = propagation.extract(context.active(), msg.properties.headers ?? {});
    const span = tracer.startSpan(`${QUEUE} process`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': QUEUE } }, parent); // ok
    span.setAttribute('messaging.message.body.size', msg.content.length); // ok
    const text = msg.content.toString('utf8');
    span.setAttribute('messaging.payload', text); // pii
    const evt = JSON.parse(text) as RegisteredEvent;
    span.setAttribute('user.id', evt.userId); // ok
    const who = evt.profile;
    span.setAttributes({ 'welcome.locale': who.locale, 'welcome.recipient': who.email }); // pii
    span.setAttributes({ 'welcome.locale': who.locale, 'welcome.redelivered': msg.fields.redelivered }); // ok
    try {
      await sendWelcome(who);
      span.addEvent('welcome.sent', { greeting: `Hi ${who.firstName}` }); // pii
      processed.add(1, { queue: QUEUE, outcome: 'sent' }); // ok
      ch.ack(msg);
    } catch (e) {
      span.recordException(e as Error); // pii
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).name }); // ok
      processed.add(1, { queue: QUEUE, outcome: 'failed' }); // ok
      ch.nack(msg, false, false);
    } finally {
      span.end();
    }
  });
}
