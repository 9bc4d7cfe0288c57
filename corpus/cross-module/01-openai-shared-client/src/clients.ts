import OpenAI from 'openai';

export const openai = new OpenAI({
  apiKey: process.env.OPENAI_API_KEY,
  maxRetries: 3,
  timeout: 30_000,
});

export const CHAT_MODEL = process.env.CHAT_MODEL ?? 'gpt-4o-mini';
export const EMBEDDING_MODEL = 'text-embedding-3-small';
