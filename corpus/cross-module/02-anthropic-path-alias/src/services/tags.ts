import { anthropic as claude } from '@/lib/anthropic';

const TAGS = ['work', 'personal', 'finance', 'health', 'travel'] as const;
export type Tag = (typeof TAGS)[number];

export async function suggestTags(text: string): Promise<Tag[]> {
  const res = await claude.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: `Pick zero or more of ${TAGS.join(', ')} for this note. Reply comma-separated.\n\n${text}` }],
  });
  const first = res.content[0];
  const raw = first && first.type === 'text' ? first.text : '';
  return raw
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t): t is Tag => (TAGS as readonly string[]).includes(t));
}
