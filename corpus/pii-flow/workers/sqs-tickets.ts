import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { trace, metrics, SpanKind } from '@opentelemetry/api';

const QUEUE_URL = process.env.TICKETS_QUEUE_URL ?? '';
const QUEUE_NAME = QUEUE_URL.split('/').pop() ?? 'tickets';
const sqs = new SQSClient({});
const tracer = trace.getTracer('support-ingest');
const tickets = metrics.getMeter('support-ingest').createCounter('support.tickets');

interface SupportTicket {
  ticketId: string;
  customer: { id: string; email: string; phone?: string };
  subject: string;
  body: string;
  priority: 'low' | 'normal' | 'high';
  attachments: number;
}

async function handle(m: Message): Promise<void> {
  const span = tracer.startSpan('support.ticket.ingest', { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'aws_sqs', 'messaging.message.id': m.MessageId ?? '' } }); // ok
  const t = JSON.parse(m.Body ?? '{}') as SupportTicket;
  span.setAttribute('ticket.priority', t.priority); // ok
  span.updateName(`ticket: ${t.subject}`); // pii
  span.setAttribute('ticket.subject', t.subject); // pii
  span.setAttribute('ticket.question', t.body); // pii
  span.setAttribute('ticket.body_chars', t.body.length); // ok
  const c = t.customer;
  span.setAttribute('enduser.id', c.email); // pii
  span.setAttribute('customer.id', c.id); // ok
  span.setAttribute('ticket.callback', c.phone ?? ''); // pii
  span.setAttribute('ticket.callback_requested', c.phone !== undefined); // ok
  tickets.add(1, { priority: t.priority, queue: QUEUE_NAME }); // ok
  span.end();
}

export async function poll(): Promise<void> {
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 20, AttributeNames: ['ApproximateReceiveCount'] }));
    for (const m of out.Messages ?? []) {
      const span = trace.getActiveSpan();
      span?.addEvent('sqs.message', { body: m.Body ?? '' }); // pii
      span?.addEvent('sqs.message', { bytes: (m.Body ?? '').length, queue: QUEUE_NAME }); // ok
      await handle(m);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
