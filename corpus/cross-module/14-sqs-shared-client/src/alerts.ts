import { PublishCommand } from '@aws-sdk/client-sns';
import { sns, ALERTS_TOPIC_ARN } from './aws.js';

export async function alertOps(subject: string, detail: string): Promise<void> {
  await sns.send(new PublishCommand({ TopicArn: ALERTS_TOPIC_ARN, Subject: subject.slice(0, 99), Message: detail }));
}
