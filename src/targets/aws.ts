import { defineLibrary } from './define.js';

const sqs = ['@aws-sdk/client-sqs'];
const sns = ['@aws-sdk/client-sns'];
// SQS and SNS message attributes: `{ DataType: 'String', StringValue }`, at most 10 per message.
const attributes = { path: 'MessageAttributes', format: 'sqs' } as const;
const message = { headers: 'MessageAttributes', format: 'sqs', id: 'MessageId' } as const;

// AWS SDK v3 SQS and SNS commands, and sqs-consumer. Producers are the command constructors: the send span
// covers `client.send(new SendMessageCommand(...))` when the command is built inline, or the send of a
// command built before.

/** AWS SDK v3 SQS commands. */
export const awsSqs = defineLibrary({
  library: 'aws-sqs',
  modules: sqs,
  system: 'aws_sqs',
  targets: [
    {
      id: 'aws-sqs.SendMessage',
      role: 'produce',
      operation: 'send',
      match: { kind: 'new', class: 'SendMessageCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'QueueUrl' }], lastSegment: '/' },
      carrier: { arg: 0, ...attributes },
      sendMethod: 'send',
    },
    {
      id: 'aws-sqs.SendMessageBatch',
      role: 'produce',
      operation: 'send',
      match: { kind: 'new', class: 'SendMessageBatchCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'QueueUrl' }], lastSegment: '/' },
      carrier: { arg: 0, path: `Entries[].${attributes.path}`, format: attributes.format },
      batch: 'Entries',
      sendMethod: 'send',
    },
    {
      id: 'aws-sqs.ReceiveMessage',
      role: 'request-fields',
      operation: 'receive',
      match: { kind: 'new', class: 'ReceiveMessageCommand' },
      // SQS returns only the attributes a receive asks for: ask for the propagation fields too.
      input: { arg: 0, path: 'MessageAttributeNames' },
    },
    {
      id: 'aws-sqs.process',
      role: 'consume-loop',
      operation: 'process',
      elementTypes: ['Message'],
      spec: message,
    },
  ],
});

/** AWS SDK v3 SNS commands. */
export const awsSns = defineLibrary({
  library: 'aws-sns',
  modules: sns,
  system: 'aws.sns',
  targets: [
    {
      id: 'aws-sns.Publish',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'new', class: 'PublishCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'TopicArn' }], lastSegment: ':' },
      carrier: { arg: 0, ...attributes },
      sendMethod: 'send',
    },
    {
      id: 'aws-sns.PublishBatch',
      role: 'produce',
      operation: 'publish',
      match: { kind: 'new', class: 'PublishBatchCommand' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'TopicArn' }], lastSegment: ':' },
      carrier: { arg: 0, path: `PublishBatchRequestEntries[].${attributes.path}`, format: attributes.format },
      batch: 'PublishBatchRequestEntries',
      sendMethod: 'send',
    },
  ],
});

/** sqs-consumer, which polls SQS and hands each message (or batch) to a handler. */
export const sqsConsumer = defineLibrary({
  library: 'sqs-consumer',
  modules: ['sqs-consumer'],
  system: 'aws_sqs',
  targets: [
    {
      id: 'sqs-consumer.handleMessage',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer'], method: 'create' },
      handler: { arg: 0, property: 'handleMessage' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'queueUrl' }], lastSegment: '/' },
      spec: message,
      requestFields: { arg: 0, property: 'messageAttributeNames' },
    },
    {
      id: 'sqs-consumer.handleMessageBatch',
      role: 'consume',
      operation: 'process',
      match: { kind: 'method', types: ['Consumer'], method: 'create' },
      handler: { arg: 0, property: 'handleMessageBatch' },
      batch: { messages: '' },
      destination: { from: 'args', parts: [{ arg: 0, property: 'queueUrl' }], lastSegment: '/' },
      spec: message,
      requestFields: { arg: 0, property: 'messageAttributeNames' },
    },
  ],
});
