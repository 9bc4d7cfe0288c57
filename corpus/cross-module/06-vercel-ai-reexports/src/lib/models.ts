import { openai } from '@ai-sdk/openai';
import { anthropic } from '@ai-sdk/anthropic';

export const models = {
  fast: openai('gpt-4o-mini'),
  smart: anthropic('claude-sonnet-4-5'),
  embedding: openai.embedding('text-embedding-3-small'),
};
