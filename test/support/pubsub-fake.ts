import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  status,
  type GrpcObject,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServiceClientConstructor,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  FakeSubscription,
  type PublishedMessage,
  type PullStream,
  type ReceivedMessage,
  type SubscriptionResource,
} from './pubsub-fake-subscription.js';

/**
 * A loopback Google Cloud Pub/Sub for execution tests: the `google.pubsub.v1` Publisher and Subscriber gRPC
 * services on 127.0.0.1, in memory, defined by the `pubsub.proto` that the installed `@google-cloud/pubsub`
 * ships, so the real client (gax, grpc-js, its StreamingPull pool, lease manager and ack batching) runs
 * unchanged against it. Connect with `new PubSub(fake.clientOptions)`, or `new PubSub({ projectId, apiEndpoint:
 * endpoint })`, or `PUBSUB_EMULATOR_HOST=endpoint`: an endpoint outside googleapis.com puts the client in emulator
 * mode (plaintext, no credentials).
 *
 * It implements topics, subscriptions, Publish, StreamingPull, Pull, Acknowledge and ModifyAckDeadline, and
 * the service's limits a publisher can hit: at most 100 attributes, keys up to 256 bytes, values up to 1024
 * bytes, a message needs data or an attribute. Other RPCs (snapshots, seek, schemas, IAM) answer UNIMPLEMENTED.
 */

export interface PubSubFake {
  /** `host:port`, for `apiEndpoint` or `PUBSUB_EMULATOR_HOST`. */
  endpoint: string;
  projectId: string;
  /**
   * Options for `new PubSub(...)`. `universeDomain` spares the client google-auth-library's probe of the GCE
   * metadata server (it looks up the universe domain before every stub otherwise, and warns when offline);
   * with it set, emulator mode must be asked for, since the endpoint alone no longer implies it.
   */
  clientOptions: { projectId: string; apiEndpoint: string; emulatorMode: true; universeDomain: string };
  /** What the topic received, in publish order; `topic` is a short name or a full `projects/…/topics/…` path. */
  published(topic: string): readonly PublishedMessage[];
  /** Ids of the subscription's messages that were acknowledged, in order. */
  acknowledged(subscription: string): readonly string[];
  stop(): Promise<void>;
}

export type { PublishedMessage };

const PROJECT_ID = 'otelify-test';
const MAX_ATTRIBUTES = 100;
const MAX_ATTRIBUTE_KEY_BYTES = 256;
const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
const MAX_PUBLISH_BYTES = 10_000_000;
const DELETED_TOPIC = '_deleted-topic_';

/** A gRPC status error, as the handlers below raise it. */
class StatusError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
  }
}

const notFound = (what: string) => new StatusError(status.NOT_FOUND, `Resource not found (resource=${what}).`);
const invalid = (details: string) => new StatusError(status.INVALID_ARGUMENT, details);

interface WireMessage {
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string;
}

interface StreamingPullRequest {
  subscription: string;
  ackIds: string[];
  modifyDeadlineSeconds: number[];
  modifyDeadlineAckIds: string[];
  streamAckDeadlineSeconds: number;
  maxOutstandingMessages: number;
  maxOutstandingBytes: number;
  protocolVersion: number;
}

/** The Publisher and Subscriber service definitions, from the proto files of the installed client. */
function loadServices() {
  const requireFromClient = createRequire(createRequire(import.meta.url).resolve('@google-cloud/pubsub'));
  const clientProtos = join(dirname(requireFromClient.resolve('@google-cloud/pubsub')), '../protos');
  // pubsub.proto imports google/api/*.proto, which the client's google-gax ships.
  const gaxProtos = join(dirname(requireFromClient.resolve('google-gax')), '../protos');
  const definition = loadSync('google/pubsub/v1/pubsub.proto', {
    includeDirs: [clientProtos, gaxProtos],
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const v1 = (((loadPackageDefinition(definition).google as GrpcObject).pubsub as GrpcObject).v1 as GrpcObject);
  return {
    publisher: (v1.Publisher as ServiceClientConstructor).service,
    subscriber: (v1.Subscriber as ServiceClientConstructor).service,
  };
}

function checkName(name: string, kind: 'topics' | 'subscriptions'): void {
  if (!new RegExp(`^projects/[^/]+/${kind}/[^/]+$`).test(name)) throw invalid(`Invalid resource name given (name=${name}).`);
}

function checkMessage({ data, attributes }: WireMessage): void {
  const entries = Object.entries(attributes);
  if (data.length === 0 && entries.length === 0) throw invalid('Some messages are empty: a message needs data or an attribute.');
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalid(`A message has ${entries.length} attributes; the maximum is ${MAX_ATTRIBUTES}.`);
  }
  for (const [key, value] of entries) {
    if (Buffer.byteLength(key) > MAX_ATTRIBUTE_KEY_BYTES) throw invalid(`An attribute key is longer than ${MAX_ATTRIBUTE_KEY_BYTES} bytes: ${key}`);
    if (Buffer.byteLength(value) > MAX_ATTRIBUTE_VALUE_BYTES) {
      throw invalid(`The value of attribute ${key} is longer than ${MAX_ATTRIBUTE_VALUE_BYTES} bytes.`);
    }
  }
}

class PubSubService {
  readonly topics = new Map<string, { name: string; labels: Record<string, string> }>();
  private readonly log = new Map<string, PublishedMessage[]>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  private sequence = 0;

  topic(name: string) {
    const topic = this.topics.get(name);
    if (!topic) throw notFound(name);
    return topic;
  }

  subscription(name: string): FakeSubscription {
    const subscription = this.subscriptions.get(name);
    if (!subscription) throw notFound(name);
    return subscription;
  }

  published(topic: string): PublishedMessage[] {
    return this.log.get(topic) ?? [];
  }

  createTopic({ name, labels }: { name: string; labels: Record<string, string> }) {
    checkName(name, 'topics');
    if (this.topics.has(name)) throw new StatusError(status.ALREADY_EXISTS, `Resource already exists in the project (resource=${name}).`);
    const topic = { name, labels };
    this.topics.set(name, topic);
    return topic;
  }

  deleteTopic(name: string): void {
    this.topic(name);
    this.topics.delete(name);
    // The service keeps the topic's subscriptions, detached.
    for (const subscription of this.subscriptions.values()) if (subscription.resource.topic === name) subscription.resource.topic = DELETED_TOPIC;
  }

  publish(topicName: string, messages: WireMessage[]): string[] {
    this.topic(topicName);
    if (messages.length === 0) throw invalid('The request contains no messages.');
    messages.forEach(checkMessage);
    const bytes = messages.reduce(
      (sum, m) => sum + m.data.length + Object.entries(m.attributes).reduce((size, [k, v]) => size + Buffer.byteLength(k) + Buffer.byteLength(v), 0),
      0,
    );
    if (bytes > MAX_PUBLISH_BYTES) throw invalid(`The request is ${bytes} bytes; the maximum is ${MAX_PUBLISH_BYTES}.`);
    return messages.map((message) => this.store(topicName, message).messageId);
  }

  /** Adds the message to the topic and to every subscription attached to it now. */
  private store(topicName: string, { data, attributes, orderingKey }: WireMessage): PublishedMessage {
    this.sequence++;
    const message: PublishedMessage = {
      messageId: String(1_000_000 + this.sequence),
      data,
      attributes,
      orderingKey,
      publishTime: new Date(),
      sequence: this.sequence,
    };
    this.log.set(topicName, [...this.published(topicName), message]);
    for (const subscription of this.subscriptions.values()) if (subscription.resource.topic === topicName) subscription.enqueue(message);
    return message;
  }

  createSubscription(request: SubscriptionResource): SubscriptionResource {
    checkName(request.name, 'subscriptions');
    this.topic(request.topic);
    if (this.subscriptions.has(request.name)) {
      throw new StatusError(status.ALREADY_EXISTS, `Resource already exists in the project (resource=${request.name}).`);
    }
    const ackDeadlineSeconds = request.ackDeadlineSeconds || 10;
    if (ackDeadlineSeconds < 10 || ackDeadlineSeconds > 600) throw invalid(`Invalid ack deadline given: ${ackDeadlineSeconds}. It must be 10 to 600 seconds.`);
    const policy = request.deadLetterPolicy;
    if (policy?.deadLetterTopic) {
      this.topic(policy.deadLetterTopic);
      const attempts = policy.maxDeliveryAttempts;
      if (attempts !== 0 && (attempts < 5 || attempts > 100)) throw invalid(`Invalid max delivery attempts: ${attempts}. It must be 5 to 100.`);
    }
    const resource: SubscriptionResource = {
      name: request.name,
      topic: request.topic,
      ackDeadlineSeconds,
      enableMessageOrdering: request.enableMessageOrdering,
      enableExactlyOnceDelivery: request.enableExactlyOnceDelivery,
      deadLetterPolicy: policy?.deadLetterTopic ? { deadLetterTopic: policy.deadLetterTopic, maxDeliveryAttempts: policy.maxDeliveryAttempts || 5 } : null,
    };
    this.subscriptions.set(
      resource.name,
      new FakeSubscription(resource, (topic, message) => {
        if (this.topics.has(topic)) this.store(topic, message);
      }),
    );
    return resource;
  }

  deleteSubscription(name: string): void {
    this.subscription(name).delete();
    this.subscriptions.delete(name);
  }
}

/** Wraps a synchronous handler as a grpc-js unary handler; a StatusError becomes the call's status. */
function unary<Request>(handle: (request: Request) => object | void) {
  return (call: ServerUnaryCall<Request, object>, callback: sendUnaryData<object>) => {
    try {
      callback(null, handle(call.request) ?? {});
    } catch (error) {
      if (error instanceof StatusError) callback({ code: error.code, details: error.details });
      else callback({ code: status.INTERNAL, details: String(error) });
    }
  };
}

function publisherService(service: PubSubService): UntypedServiceImplementation {
  return {
    CreateTopic: unary((topic: { name: string; labels: Record<string, string> }) => service.createTopic(topic)),
    GetTopic: unary(({ topic }: { topic: string }) => service.topic(topic)),
    DeleteTopic: unary(({ topic }: { topic: string }) => service.deleteTopic(topic)),
    ListTopics: unary(({ project }: { project: string }) => ({
      topics: [...service.topics.values()].filter((t) => t.name.startsWith(`${project}/`)),
    })),
    ListTopicSubscriptions: unary(({ topic }: { topic: string }) => {
      service.topic(topic);
      return { subscriptions: [...service.subscriptions.values()].filter((s) => s.resource.topic === topic).map((s) => s.resource.name) };
    }),
    Publish: unary(({ topic, messages }: { topic: string; messages: WireMessage[] }) => ({
      messageIds: service.publish(topic, messages),
    })),
  };
}

function subscriberService(service: PubSubService): UntypedServiceImplementation {
  return {
    CreateSubscription: unary((request: SubscriptionResource) => service.createSubscription(request)),
    GetSubscription: unary(({ subscription }: { subscription: string }) => service.subscription(subscription).resource),
    ListSubscriptions: unary(({ project }: { project: string }) => ({
      subscriptions: [...service.subscriptions.values()].map((s) => s.resource).filter((s) => s.name.startsWith(`${project}/`)),
    })),
    DeleteSubscription: unary(({ subscription }: { subscription: string }) => service.deleteSubscription(subscription)),
    Acknowledge: unary(({ subscription, ackIds }: { subscription: string; ackIds: string[] }) => {
      service.subscription(subscription).acknowledge(ackIds);
    }),
    ModifyAckDeadline: unary((request: { subscription: string; ackIds: string[]; ackDeadlineSeconds: number }) => {
      const { ackDeadlineSeconds } = request;
      if (ackDeadlineSeconds < 0 || ackDeadlineSeconds > 600) throw invalid(`Invalid ack deadline given: ${ackDeadlineSeconds}.`);
      service.subscription(request.subscription).modifyAckDeadline(request.ackIds, ackDeadlineSeconds);
    }),
    Pull: unary(({ subscription, maxMessages }: { subscription: string; maxMessages: number }) => {
      if (maxMessages <= 0) throw invalid('max_messages must be positive.');
      return { receivedMessages: service.subscription(subscription).pull(maxMessages) };
    }),
    StreamingPull: (call: ServerDuplexStream<StreamingPullRequest, object>) => streamingPull(service, call),
  };
}

/**
 * One StreamingPull call: the first request names the subscription and the stream's flow control; later
 * ones carry acks, deadline changes, or nothing (the client's keepalive, which protocol version 1 answers).
 */
function streamingPull(service: PubSubService, call: ServerDuplexStream<StreamingPullRequest, object>): void {
  let attached: { subscription: FakeSubscription; stream: PullStream; protocolVersion: number } | undefined;
  // Once the call has a final status, whatever the client still sends on it is dropped.
  let ended = false;
  const detach = () => {
    attached?.subscription.detach(attached.stream);
    attached = undefined;
  };
  const end = ({ code, details }: StatusError) => {
    detach();
    ended = true;
    call.emit('error', { code, details });
  };
  const attach = (request: StreamingPullRequest) => {
    const subscription = service.subscription(request.subscription);
    const stream: PullStream = {
      send: (receivedMessages: ReceivedMessage[]) => call.write({ receivedMessages, subscriptionProperties: properties(subscription) }),
      endDeleted: () => end(notFound(subscription.resource.name)),
      ackDeadlineSeconds: request.streamAckDeadlineSeconds || subscription.resource.ackDeadlineSeconds,
      maxOutstandingMessages: request.maxOutstandingMessages,
      maxOutstandingBytes: request.maxOutstandingBytes,
    };
    subscription.attach(stream);
    return { subscription, stream, protocolVersion: request.protocolVersion };
  };
  call.on('data', (request: StreamingPullRequest) => {
    if (ended) return;
    try {
      const first = !attached;
      attached ??= attach(request);
      const { subscription, stream } = attached;
      if (!first && request.subscription && request.subscription !== subscription.resource.name) {
        throw invalid('subscription may only be set on the first request of a stream.');
      }
      if (request.streamAckDeadlineSeconds) stream.ackDeadlineSeconds = request.streamAckDeadlineSeconds;
      if (request.modifyDeadlineAckIds.length !== request.modifyDeadlineSeconds.length) {
        throw invalid('modify_deadline_seconds and modify_deadline_ack_ids must be the same length.');
      }
      request.modifyDeadlineAckIds.forEach((ackId, i) => subscription.modifyAckDeadline([ackId], request.modifyDeadlineSeconds[i]!));
      if (request.ackIds.length > 0) subscription.acknowledge(request.ackIds);
      const keepalive = !first && request.ackIds.length === 0 && request.modifyDeadlineAckIds.length === 0 && !request.streamAckDeadlineSeconds;
      if (keepalive && attached.protocolVersion >= 1) call.write({ subscriptionProperties: properties(subscription) });
    } catch (error) {
      end(error instanceof StatusError ? error : new StatusError(status.INTERNAL, String(error)));
    }
  });
  call.on('end', () => {
    detach();
    call.end();
  });
  call.on('cancelled', detach);
  call.on('error', detach);
}

function properties(subscription: FakeSubscription) {
  return {
    exactlyOnceDeliveryEnabled: subscription.resource.enableExactlyOnceDelivery,
    messageOrderingEnabled: subscription.resource.enableMessageOrdering,
  };
}

/** Starts the fake on an ephemeral loopback port. */
export async function startPubSubFake(): Promise<PubSubFake> {
  const { publisher, subscriber } = loadServices();
  const service = new PubSubService();
  // The service takes publish requests up to 10 MB; grpc-js would stop at 4 MB.
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  server.addService(publisher, publisherService(service));
  server.addService(subscriber, subscriberService(service));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
  const topicName = (topic: string) => (topic.includes('/') ? topic : `projects/${PROJECT_ID}/topics/${topic}`);
  const subscriptionName = (name: string) => (name.includes('/') ? name : `projects/${PROJECT_ID}/subscriptions/${name}`);
  const endpoint = `127.0.0.1:${port}`;
  return {
    endpoint,
    projectId: PROJECT_ID,
    clientOptions: { projectId: PROJECT_ID, apiEndpoint: endpoint, emulatorMode: true, universeDomain: 'googleapis.com' },
    published: (topic) => service.published(topicName(topic)),
    acknowledged: (subscription) => service.subscription(subscriptionName(subscription)).acknowledged,
    async stop() {
      for (const subscription of service.subscriptions.values()) subscription.close();
      // Ends the client's open StreamingPull calls too; a test closes its clients first.
      server.forceShutdown();
    },
  };
}
