import type { TargetModule } from './types.js';

const sqs = ['@aws-sdk/client-sqs'];
const sns = ['@aws-sdk/client-sns'];
// SQS and SNS message attributes: `{ DataType: 'String', StringValue }`, at most 10 per message.
const attributes = { path: 'MessageAttributes', format: 'sqs' } as const;
const message = { headers: 'MessageAttributes', format: 'sqs', id: 'MessageId' } as const;

/**
 * AWS SDK v3 SQS and SNS commands, and sqs-consumer. Producers are the command constructors: the send span
 * covers `client.send(new SendMessageCommand(...))` when the command is built inline.
 */
export const aws: TargetModule = {
  library: 'aws',
  targets: [
    {
      id: 'aws-sqs.SendMessage',
      library: 'aws-sqs',
      modules: sqs,
      role: 'produce',
      system: 'aws_sqs',
      operation: 'send',
      match: { kind: 'new', class: 'SendMessageCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'QueueUrl' }], lastSegment: '/' },
      carrier: { arg: 0, ...attributes },
      sendMethod: 'send',
    },
    {
      id: 'aws-sqs.SendMessageBatch',
      library: 'aws-sqs',
      modules: sqs,
      role: 'produce',
      system: 'aws_sqs',
      operation: 'send',
      match: { kind: 'new', class: 'SendMessageBatchCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'QueueUrl' }], lastSegment: '/' },
      carrier: { arg: 0, path: `Entries[].${attributes.path}`, format: attributes.format },
      batch: 'Entries',
      sendMethod: 'send',
    },
    {
      id: 'aws-sqs.ReceiveMessage',
      library: 'aws-sqs',
      modules: sqs,
      role: 'request-fields',
      system: 'aws_sqs',
      operation: 'receive',
      match: { kind: 'new', class: 'ReceiveMessageCommand' },
      // SQS returns only the attributes a receive asks for: ask for the propagation fields too.
      input: { arg: 0, path: 'MessageAttributeNames' },
    },
    {
      id: 'aws-sqs.process',
      library: 'aws-sqs',
      modules: sqs,
      role: 'consume-loop',
      system: 'aws_sqs',
      operation: 'process',
      elementTypes: ['Message'],
      spec: message,
    },
    {
      id: 'aws-sns.Publish',
      library: 'aws-sns',
      modules: sns,
      role: 'produce',
      system: 'aws.sns',
      operation: 'publish',
      match: { kind: 'new', class: 'PublishCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'TopicArn' }], lastSegment: ':' },
      carrier: { arg: 0, ...attributes },
      sendMethod: 'send',
    },
    {
      id: 'aws-sns.PublishBatch',
      library: 'aws-sns',
      modules: sns,
      role: 'produce',
      system: 'aws.sns',
      operation: 'publish',
      match: { kind: 'new', class: 'PublishBatchCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'TopicArn' }], lastSegment: ':' },
      carrier: { arg: 0, path: `PublishBatchRequestEntries[].${attributes.path}`, format: attributes.format },
      batch: 'PublishBatchRequestEntries',
      sendMethod: 'send',
    },
    {
      id: 'sqs-consumer.handleMessage',
      library: 'sqs-consumer',
      modules: ['sqs-consumer'],
      role: 'consume',
      system: 'aws_sqs',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer'], method: 'create' },
      handler: { arg: 0, property: 'handleMessage' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'queueUrl' }], lastSegment: '/' },
      spec: message,
      requestFields: { arg: 0, property: 'messageAttributeNames' },
    },
    {
      id: 'sqs-consumer.handleMessageBatch',
      library: 'sqs-consumer',
      modules: ['sqs-consumer'],
      role: 'consume',
      system: 'aws_sqs',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer'], method: 'create' },
      handler: { arg: 0, property: 'handleMessageBatch' },
      batch: { messages: '' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'queueUrl' }], lastSegment: '/' },
      spec: message,
      requestFields: { arg: 0, property: 'messageAttributeNames' },
    },
  ],
};
