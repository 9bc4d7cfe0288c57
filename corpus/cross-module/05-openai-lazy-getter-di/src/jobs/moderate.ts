import { getOpenAI } from '../llm/client.js';
import type { ChatMessage, DigestItem } from '../llm/types.js';

export async function isSafe(item: DigestItem): Promise<boolean> {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'Answer YES if the text is safe for a general audience, otherwise NO.' },
    { role: 'user', content: item.body.slice(0, 4000) },
  ];
  const res = await getOpenAI().chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 3 });
  return (res.choices[0]?.message.content ?? '').trim().toUpperCase().startsWith('YES');
}
