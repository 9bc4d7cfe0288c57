import { llm } from '../llm/provider.js';
import type { Clause } from './clauses.js';

export async function writeMemo(contractName: string, flagged: Clause[]): Promise<string> {
  const stream = await llm.chat.completions.create({
    model: 'gpt-4o',
    stream: true,
    messages: [
      { role: 'system', content: 'Write a short legal review memo for a non-lawyer audience.' },
      { role: 'user', content: `Contract: ${contractName}\nFlagged clauses:\n${flagged.map((c) => `- ${c.heading}`).join('\n')}` },
    ],
  });
  let memo = '';
  for await (const chunk of stream) memo += chunk.choices[0]?.delta?.content ?? '';
  return memo;
}

export async function similarity(a: string, b: string): Promise<number> {
  const res = await llm.embeddings.create({ model: 'text-embedding-3-small', input: [a, b] });
  const [x, y] = res.data.map((d) => d.embedding);
  if (!x || !y) return 0;
  return x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
}
