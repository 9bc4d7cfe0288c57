import { openai, anthropic, CLAUDE_MODEL } from '../lib/index.js';
import { notifier } from '../notify/slack.js';

export type Provider = 'openai' | 'anthropic';

export async function ask(question: string, context: string, provider: Provider): Promise<string> {
  const prompt = `Context:\n${context}\n\nQuestion: ${question}`;

  if (provider === 'anthropic') {
    const msg = await anthropic.messages.create({ model: CLAUDE_MODEL, max_tokens: 800, messages: [{ role: 'user', content: prompt }] });
    const block = msg.content[0];
    return block?.type === 'text' ? block.text : '';
  }

  const completion = await openai.chat.completions.create({
    model: 'gpt-4.1-mini',
    messages: [{ role: 'user', content: prompt }],
  });
  const answer = completion.choices[0]?.message.content ?? '';
  if (!answer) {
    await notifier.send(`Empty answer for question: ${question.slice(0, 80)}`);
  }
  return answer;
}
