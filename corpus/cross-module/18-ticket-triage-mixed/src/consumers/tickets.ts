import { kafka } from '@/lib/kafka';
import { summaryQueue } from '@/lib/queue';
import { summarizeTicket } from '@/ai/tasks';

const consumer = kafka.consumer({ groupId: 'ticket-triage' });
const seen = new Set<string>();

await consumer.connect();
await consumer.subscribe({ topic: 'support.tickets', fromBeginning: false });

await consumer.run({
  partitionsConsumedConcurrently: 3,
  eachMessage: async ({ message }) => {
    const ticket = JSON.parse(message.value?.toString() ?? '{}') as { id: string; subject: string; body: string };
    if (seen.has(ticket.id)) return;
    seen.add(ticket.id);

    const summary = await summarizeTicket(ticket.subject, ticket.body);
    await summaryQueue.add('index-summary', { ticketId: ticket.id, summary }, { removeOnComplete: true });
  },
});
