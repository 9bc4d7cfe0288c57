import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { context, propagation, trace } from '@opentelemetry/api';
import pg from 'pg';

const sqs = new SQSClient({ region: 'eu-west-1' });
const pool = new pg.Pool();
const QUEUE_URL = process.env.TRIAGE_QUEUE_URL ?? '';
const tracer = trace.getTracer('triage-worker');

interface Ticket {
  id: string;
  status: 'open' | 'pending' | 'closed';
  priority: 1 | 2 | 3;
  subject: string;
  description: string;
  tags: string[];
}

async function loadTicket(id: string): Promise<Ticket> {
  const { rows } = await pool.query<Ticket>('select * from tickets where id = $1', [id]);
  return rows[0]!;
}

async function classify(prompt: string): Promise<{ label: string; confidence: number }> {
  const r = await fetch('http://llm.internal/classify', { method: 'POST', body: JSON.stringify({ prompt }) });
  return (await r.json()) as { label: string; confidence: number };
}

export async function pollOnce(): Promise<void> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10 }));
  for (const m of Messages) {
    const { ticketId } = JSON.parse(m.Body ?? '{}') as { ticketId: string };
    const ticket = await loadTicket(ticketId);
    const prompt = `Classify this support ticket.\nSubject: ${ticket.subject}\n\n${ticket.description}`;

    let bag = propagation.createBaggage({ 'ticket.id': { value: ticket.id } }); // ok
    bag = bag.setEntry('ticket.status', { value: ticket.status }); // ok
    bag = bag.setEntry('ticket.priority', { value: String(ticket.priority) }); // ok
    bag = bag.setEntry('ticket.subject', { value: ticket.subject }); // pii
    bag = bag.setEntry('ticket.description', { value: ticket.description }); // pii
    bag = bag.setEntry('ticket.tags', { value: ticket.tags.toString() }); // pii
    bag = bag.setEntry('triage.prompt', { value: prompt }); // pii
    bag = bag.setEntry('sqs.body', { value: m.Body ?? '' }); // pii
    bag = bag.setEntry('sqs.message_id', { value: m.MessageId ?? '' }); // ok

    const result = await context.with(propagation.setBaggage(context.active(), bag), () => classify(prompt));
    const verdict = propagation.createBaggage({ 'triage.label': { value: result.label }, 'triage.confidence': { value: result.confidence.toFixed(2) } }); // ok
    await context.with(propagation.setBaggage(context.active(), verdict), async () => {
      const span = tracer.startSpan('ticket.route');
      span.end();
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: m.ReceiptHandle }));
  }
}
