import { amqplib } from './amqplib.js';
import { amqpConnectionManager } from './amqp-connection-manager.js';
import { awsSns, awsSqs, sqsConsumer } from './aws.js';
import { azureServiceBus } from './azure-service-bus.js';
import { bullmq } from './bullmq.js';
import { gcpPubsub } from './gcp-pubsub.js';
import { golevelupRabbitmq } from './golevelup-rabbitmq.js';
import { nestjsBullmq } from './nestjs-bullmq.js';
import { kafkajs } from './kafkajs.js';
import { nats } from './nats.js';
import { anthropic } from './anthropic.js';
import { bedrock } from './bedrock.js';
import { google } from './google.js';
import { vercelAi } from './vercel-ai.js';
import { openai } from './openai.js';
import { mistral } from './mistral.js';
import { cohere } from './cohere.js';
import { ollama } from './ollama.js';
import type { Target, TargetModule } from './types.js';

export type { Target, TargetModule } from './types.js';

/** Every library otelify knows. Adding a library means adding its file here. */
export const targetModules: TargetModule[] = [amqplib, amqpConnectionManager, kafkajs, bullmq, nestjsBullmq, golevelupRabbitmq, awsSqs, awsSns, sqsConsumer, nats, gcpPubsub, azureServiceBus, openai, anthropic, google, bedrock, vercelAi, mistral, cohere, ollama];

export const builtinTargets: Target[] = targetModules.flatMap((m) => m.targets);
