import { SendMessageCommand, SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { sqs, RECEIPTS_QUEUE_URL } from './aws.js';

export interface Receipt {
  id: string;
  merchant: string;
  amount: number;
  imageKey: string;
}

export async function enqueueReceipt(receipt: Receipt): Promise<string | undefined> {
  const out = await sqs.send(
    new SendMessageCommand({
      QueueUrl: RECEIPTS_QUEUE_URL,
      MessageBody: JSON.stringify(receipt),
      MessageAttributes: { merchant: { DataType: 'String', StringValue: receipt.merchant } },
    }),
  );
  return out.MessageId;
}

export async function enqueueMany(receipts: Receipt[]): Promise<number> {
  let failed = 0;
  for (let i = 0; i < receipts.length; i += 10) {
    const entries: SendMessageBatchRequestEntry[] = receipts.slice(i, i + 10).map((r) => ({ Id: r.id, MessageBody: JSON.stringify(r) }));
    const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: RECEIPTS_QUEUE_URL, Entries: entries }));
    failed += res.Failed?.length ?? 0;
  }
  return failed;
}
