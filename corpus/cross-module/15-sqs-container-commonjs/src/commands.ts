import { SendMessageCommand } from '@aws-sdk/client-sqs';

export interface SignupEvent {
  userId: string;
  email: string;
  plan: 'free' | 'pro';
}

export function buildSignupMessage(queueUrl: string, evt: SignupEvent): SendMessageCommand {
  return new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify(evt),
    MessageGroupId: evt.userId,
    MessageDeduplicationId: `${evt.userId}:signup`,
  });
}
