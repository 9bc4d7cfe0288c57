import * as amqp from 'amqplib';

export const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');
export const channel = await connection.createConfirmChannel();

export const REPORTS = 'reports.requests';
export const RESULTS = 'reports.results';

await channel.assertQueue(REPORTS, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
await channel.assertExchange(RESULTS, 'fanout', { durable: true });
