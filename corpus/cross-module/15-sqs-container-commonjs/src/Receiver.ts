import { ReceiveMessageCommand, DeleteMessageBatchCommand, type SQSClient, type Message } from '@aws-sdk/client-sqs';

export type Handler = (message: Message) => Promise<void>;

export class Receiver {
  private stopped = false;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  async run(handler: Handler): Promise<void> {
    while (!this.stopped) {
      const res = await this.client.send(new ReceiveMessageCommand({ QueueUrl: this.queueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 5 }));
      const done: { Id: string; ReceiptHandle: string }[] = [];
      for (const m of res.Messages ?? []) {
        await handler(m);
        if (m.MessageId && m.ReceiptHandle) done.push({ Id: m.MessageId, ReceiptHandle: m.ReceiptHandle });
      }
      if (done.length > 0) {
        await this.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: done }));
      }
    }
  }
}
