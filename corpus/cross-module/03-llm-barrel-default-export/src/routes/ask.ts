import { openai, anthropic, CLAUDE_MODEL } from '../lib/index.js';
import { notifier } from '../notify/slack.js';

export type Provider = 'openai' | 'anthropic';
export type Lang = 'de' | 'fr' | 'es' | 'ja';

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

export async function translate(text: string, to: Lang): Promise<string> {
  const { anthropic: claude, CLAUDE_MODEL: model } = await import('../lib/anthropic.js');
  const res = await claude.messages.create({
    model,
    max_tokens: 2000,
    system: `Translate the user's text to ${to}. Output only the translation.`,
    messages: [{ role: 'user', content: text }],
  });
  return res.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}
