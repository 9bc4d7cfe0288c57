import type { Channel, ConsumeMessage, Options } from 'amqplib';

export type { Channel, ConsumeMessage };
export type PublishOptions = Options.Publish;

export interface Invoice {
  id: string;
  accountId: string;
  amountCents: number;
  currency: 'EUR' | 'USD';
}

export const QUEUES = {
  invoices: 'billing.invoices',
  charges: 'billing.charges',
} as const;
