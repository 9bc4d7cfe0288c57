import { amqplib } from './amqplib.js';
import { amqpConnectionManager } from './amqp-connection-manager.js';
import { awsSns, awsSqs, sqsConsumer } from './aws.js';
import { azureServiceBus } from './azure-service-bus.js';
import { bullmq } from './bullmq.js';
import { gcpPubsub } from './gcp-pubsub.js';
import { golevelupRabbitmq } from './golevelup-rabbitmq.js';
import { nestjsBullmq } from './nestjs-bullmq.js';
import { nestjsMicroservices } from './nestjs-microservices.js';
import { kafkajs } from './kafkajs.js';
import { nats } from './nats.js';
import { pgBoss } from './pg-boss.js';
import { vendure } from './vendure.js';
import { anthropic } from './anthropic.js';
import { bedrock } from './bedrock.js';
import { google } from './google.js';
import { vercelAi } from './vercel-ai.js';
import { openai } from './openai.js';
import { mistral } from './mistral.js';
import { cohere } from './cohere.js';
import { ollama } from './ollama.js';
import { langchain } from './langchain.js';
import { withDataCarrierKey } from './data-carrier.js';
import { DEFAULT_DATA_CARRIER_KEY, type Target, type TargetModule } from './types.js';

export type { Target, TargetModule } from './types.js';

/** Every library otelify knows. Adding a library means adding its file here. */
export const targetModules: TargetModule[] = [amqplib, amqpConnectionManager, kafkajs, bullmq, nestjsBullmq, nestjsMicroservices, golevelupRabbitmq, awsSqs, awsSns, sqsConsumer, nats, pgBoss, vendure, gcpPubsub, azureServiceBus, openai, anthropic, google, bedrock, vercelAi, mistral, cohere, ollama, langchain];

/** Every built-in target, carrying the context in a message's data under `dataCarrierKey` where it has no headers. */
export function builtinTargetsWith(dataCarrierKey: string): Target[] {
  return targetModules.flatMap((m) => m.targets.map((target) => withDataCarrierKey(target, dataCarrierKey)));
}

export const builtinTargets: Target[] = builtinTargetsWith(DEFAULT_DATA_CARRIER_KEY);
