import { anthropic, MODEL } from '@/lib/anthropic';

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export async function reply(history: Turn[], question: string): Promise<string> {
  const message = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 1024,
    system: 'You help users organise their notes. Keep answers short.',
    messages: [...history, { role: 'user', content: question }],
  });

  return message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('');
}
