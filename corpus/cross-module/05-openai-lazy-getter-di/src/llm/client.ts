import OpenAI from 'openai';

let cached: OpenAI | undefined;

export function getOpenAI(): OpenAI {
  if (!cached) {
    cached = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 60_000 });
  }
  return cached;
}
