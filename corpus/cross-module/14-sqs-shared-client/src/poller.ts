import { ReceiveMessageCommand, DeleteMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { sqs, RECEIPTS_QUEUE_URL } from './aws.js';
import { alertOps } from './alerts.js';
import type { Receipt } from './enqueue.js';

let running = true;
process.on('SIGTERM', () => {
  running = false;
});

async function handle(message: Message): Promise<void> {
  const receipt = JSON.parse(message.Body ?? '{}') as Receipt;
  if (receipt.amount > 10_000) {
    await alertOps('Large receipt', `${receipt.merchant}: ${receipt.amount}`);
  }
  console.log('processed receipt', receipt.id);
}

export async function poll(): Promise<void> {
  while (running) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: RECEIPTS_QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 20, MessageAttributeNames: ['All'] }),
    );
    for (const message of Messages) {
      try {
        await handle(message);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: RECEIPTS_QUEUE_URL, ReceiptHandle: message.ReceiptHandle }));
      } catch (err) {
        console.error('receipt failed; leaving it for redelivery', err);
      }
    }
  }
}

await poll();
