import { amqplib } from './amqplib.js';
import { awsSns, awsSqs, sqsConsumer } from './aws.js';
import { bullmq } from './bullmq.js';
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
import { langchain } from './langchain.js';
import type { Target, TargetModule } from './types.js';

export type { Target, TargetModule } from './types.js';

/** Every library otelify knows. Adding a library means adding its file here. */
export const targetModules: TargetModule[] = [amqplib, kafkajs, bullmq, awsSqs, awsSns, sqsConsumer, nats, openai, anthropic, google, bedrock, vercelAi, mistral, cohere, ollama, langchain];

export const builtinTargets: Target[] = targetModules.flatMap((m) => m.targets);
