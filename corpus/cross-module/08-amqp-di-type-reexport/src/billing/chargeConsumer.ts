import { QUEUES, type Channel, type ConsumeMessage } from '../messaging/types.js';

interface ChargeRequest {
  invoiceId: string;
  cardToken: string;
}

export async function startChargeConsumer(ch: Channel, charge: (req: ChargeRequest) => Promise<void>): Promise<void> {
  await ch.assertQueue(QUEUES.charges, { durable: true });
  await ch.consume(
    QUEUES.charges,
    (msg: ConsumeMessage | null) => {
      if (msg === null) return;
      const req = JSON.parse(msg.content.toString('utf8')) as ChargeRequest;
      charge(req)
        .then(() => ch.ack(msg))
        .catch(() => ch.nack(msg, false, false));
    },
    { noAck: false },
  );
}
