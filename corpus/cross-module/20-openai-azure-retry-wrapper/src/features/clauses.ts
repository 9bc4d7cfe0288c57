import { retrying } from '../llm/retrying.js';

export interface Clause {
  heading: string;
  text: string;
}

export async function flagRiskyClauses(clauses: Clause[]): Promise<Clause[]> {
  const flagged: Clause[] = [];
  for (const clause of clauses) {
    const res = await retrying.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Reply RISKY or OK. A clause is risky if it has uncapped liability or auto-renewal.' },
        { role: 'user', content: `${clause.heading}\n${clause.text}` },
      ],
    });
    if (res.choices[0]?.message.content?.includes('RISKY')) flagged.push(clause);
  }
  return flagged;
}
