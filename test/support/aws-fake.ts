import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

/** The SDK's HTTP request and response, as its request-handler hook sees them (structural: no internal import). */
interface HttpRequest {
  headers: Record<string, string>;
  body?: unknown;
}
interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

/**
 * An in-memory SQS and SNS for execution tests. The real AWS SDK clients talk to it through their own
 * `requestHandler` hook, so everything above the HTTP layer is the SDK's: serialisation (SQS's JSON 1.0
 * protocol, SNS's query protocol), MD5 checks, error parsing. Limits that matter to us are real ones:
 * at most 10 message attributes, and a receive returns only the attributes it asks for.
 */

type Attribute = { DataType: string; StringValue?: string };
interface StoredMessage {
  MessageId: string;
  Body: string;
  MessageAttributes: Record<string, Attribute>;
  ReceiptHandle?: string;
  inFlight: boolean;
}

const MAX_ATTRIBUTES = 10;
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export class AwsFake {
  private readonly queues = new Map<string, StoredMessage[]>();
  private readonly subscriptions = new Map<string, { queue: string; raw: boolean }[]>();
  /** Every message ever accepted, as it arrived: what went over the wire. */
  readonly sent: { queue: string; Body: string; MessageAttributes: Record<string, Attribute> }[] = [];
  readonly errors: string[] = [];
  /** How long each request takes to answer, as a slow network would. */
  latencyMs = 0;

  createQueue(name: string): string {
    this.queues.set(name, []);
    return `https://sqs.us-east-1.amazonaws.com/000000000000/${name}`;
  }

  subscribe(topicArn: string, queue: string, raw = true): void {
    this.subscriptions.set(topicArn, [...(this.subscriptions.get(topicArn) ?? []), { queue, raw }]);
  }

  /** Client config for `new SQSClient(...)` / `new SNSClient(...)`. */
  clientConfig() {
    return {
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: { handle: (request: HttpRequest) => this.handle(request) },
    };
  }

  private async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const body = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body ?? '');
    const target = request.headers['x-amz-target'];
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    try {
      if (target?.startsWith('AmazonSQS.')) return json(200, this.sqs(target.slice('AmazonSQS.'.length), JSON.parse(body || '{}')));
      return xml(200, this.sns(new URLSearchParams(body)));
    } catch (error) {
      const message = (error as Error).message;
      this.errors.push(message);
      if (target) return json(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message });
      return xml(400, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>${message}</Message></Error></ErrorResponse>`);
    }
  }

  private queueOf(url: string): { name: string; messages: StoredMessage[] } {
    const name = url.split('/').pop() ?? '';
    const messages = this.queues.get(name);
    if (!messages) throw new Error(`no such queue: ${name}`);
    return { name, messages };
  }

  private accept(queue: string, Body: string, attributes: Record<string, Attribute> | undefined): StoredMessage {
    const MessageAttributes = attributes ?? {};
    if (Object.keys(MessageAttributes).length > MAX_ATTRIBUTES) {
      throw new Error(`Number of message attributes [${Object.keys(MessageAttributes).length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
    }
    const message = { MessageId: randomUUID(), Body, MessageAttributes, inFlight: false };
    const messages = this.queues.get(queue);
    if (!messages) throw new Error(`no such queue: ${queue}`);
    messages.push(message);
    this.sent.push({ queue, Body, MessageAttributes });
    return message;
  }

  private sqs(operation: string, input: Record<string, any>): unknown {
    switch (operation) {
      case 'SendMessage': {
        const message = this.accept(this.queueOf(input.QueueUrl).name, input.MessageBody, input.MessageAttributes);
        return { MessageId: message.MessageId, MD5OfMessageBody: md5(message.Body) };
      }
      case 'SendMessageBatch': {
        const { name } = this.queueOf(input.QueueUrl);
        const Successful = (input.Entries as { Id: string; MessageBody: string; MessageAttributes?: Record<string, Attribute> }[]).map((entry) => {
          const message = this.accept(name, entry.MessageBody, entry.MessageAttributes);
          return { Id: entry.Id, MessageId: message.MessageId, MD5OfMessageBody: md5(message.Body) };
        });
        return { Successful, Failed: [] };
      }
      case 'ReceiveMessage': {
        const { messages } = this.queueOf(input.QueueUrl);
        const wanted: string[] = input.MessageAttributeNames ?? [];
        const picked = messages.filter((m) => !m.inFlight).slice(0, input.MaxNumberOfMessages ?? 1);
        for (const message of picked) {
          message.inFlight = true;
          message.ReceiptHandle = randomUUID();
        }
        return {
          Messages: picked.map((m) => {
            const attributes = Object.fromEntries(Object.entries(m.MessageAttributes).filter(([key]) => isRequested(key, wanted)));
            return {
              MessageId: m.MessageId,
              ReceiptHandle: m.ReceiptHandle,
              Body: m.Body,
              MD5OfBody: md5(m.Body),
              ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
            };
          }),
        };
      }
      case 'DeleteMessage': {
        const queue = this.queueOf(input.QueueUrl);
        queue.messages.splice(queue.messages.findIndex((m) => m.ReceiptHandle === input.ReceiptHandle), 1);
        return {};
      }
      case 'DeleteMessageBatch': {
        const queue = this.queueOf(input.QueueUrl);
        for (const entry of input.Entries as { Id: string; ReceiptHandle: string }[]) {
          queue.messages.splice(queue.messages.findIndex((m) => m.ReceiptHandle === entry.ReceiptHandle), 1);
        }
        return { Successful: (input.Entries as { Id: string }[]).map(({ Id }) => ({ Id })), Failed: [] };
      }
      case 'ChangeMessageVisibility':
      case 'ChangeMessageVisibilityBatch':
        return operation.endsWith('Batch') ? { Successful: [], Failed: [] } : {};
      default:
        throw new Error(`the SQS fake does not implement ${operation}`);
    }
  }

  private sns(params: URLSearchParams): string {
    const action = params.get('Action');
    if (action !== 'Publish') throw new Error(`the SNS fake does not implement ${action}`);
    const topicArn = params.get('TopicArn') ?? '';
    const body = params.get('Message') ?? '';
    // Query protocol: MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue
    const attributes: Record<string, Attribute> = {};
    for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
      attributes[params.get(`MessageAttributes.entry.${n}.Name`)!] = {
        DataType: params.get(`MessageAttributes.entry.${n}.Value.DataType`) ?? 'String',
        StringValue: params.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? undefined,
      };
    }
    if (Object.keys(attributes).length > MAX_ATTRIBUTES) throw new Error('Number of message attributes exceeds the allowed maximum [10].');
    const messageId = randomUUID();
    for (const { queue, raw } of this.subscriptions.get(topicArn) ?? []) {
      if (raw) this.accept(queue, body, attributes);
      else this.accept(queue, JSON.stringify({ Type: 'Notification', MessageId: messageId, TopicArn: topicArn, Message: body, MessageAttributes: attributes }), {});
    }
    return `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`;
  }
}

function isRequested(name: string, wanted: string[]): boolean {
  return wanted.some((w) => w === 'All' || w === '.*' || w === name || (w.endsWith('.*') && name.startsWith(w.slice(0, -1))));
}

function json(statusCode: number, value: unknown) {
  return {
    response: {
      statusCode,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() },
      body: Readable.from([Buffer.from(JSON.stringify(value))]),
    } satisfies HttpResponse,
  };
}

function xml(statusCode: number, text: string) {
  return {
    response: { statusCode, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(text)]) } satisfies HttpResponse,
  };
}
