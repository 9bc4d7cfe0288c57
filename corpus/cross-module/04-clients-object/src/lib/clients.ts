import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

export const clients = {
  openai: new OpenAI(),
  anthropic: new Anthropic({ maxRetries: 4 }),
} as const;

export type Clients = typeof clients;
