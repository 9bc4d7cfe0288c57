import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';

const region = process.env.AWS_REGION ?? 'eu-west-1';

export const sqs = new SQSClient({ region });
export const sns = new SNSClient({ region });

export const RECEIPTS_QUEUE_URL = process.env.RECEIPTS_QUEUE_URL ?? 'https://sqs.eu-west-1.amazonaws.com/123456789012/receipts';
export const ALERTS_TOPIC_ARN = process.env.ALERTS_TOPIC_ARN ?? 'arn:aws:sns:eu-west-1:123456789012:receipts-alerts';
