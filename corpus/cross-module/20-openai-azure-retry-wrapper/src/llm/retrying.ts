import type OpenAI from 'openai';
import { llm } from './provider.js';

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

async function withRetry<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  let lastErr: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (err) {
      lastErr = err;
      await new Promise((r) => setTimeout(r, 2 ** i * 500));
    }
  }
  throw lastErr;
}

/** Drop-in for `llm.chat.completions.create` with our own backoff on 429/5xx. */
export const retrying = {
  chat: {
    completions: {
      create: (params: ChatParams) => withRetry(() => llm.chat.completions.create(params)),
    },
  },
};
