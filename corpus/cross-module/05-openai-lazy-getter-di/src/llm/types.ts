import type OpenAI from 'openai';

export type { OpenAI };
export type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface DigestItem {
  source: string;
  title: string;
  body: string;
}
