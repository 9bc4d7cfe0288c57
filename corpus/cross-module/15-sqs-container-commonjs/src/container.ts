import { SQSClient } from '@aws-sdk/client-sqs';
import { Mailer } from './mailer';

export const container = {
  sqs: new SQSClient({ region: process.env.AWS_REGION, endpoint: process.env.SQS_ENDPOINT }),
  mailer: new Mailer(),
  queueUrl: process.env.SIGNUP_QUEUE_URL ?? 'http://localhost:4566/000000000000/signups.fifo',
};

export type Container = typeof container;
