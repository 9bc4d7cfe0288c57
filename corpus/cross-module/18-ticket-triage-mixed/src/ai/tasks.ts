import { anthropic, openai } from '@/lib/llm';

export async function summarizeTicket(subject: string, body: string): Promise<string> {
  const msg = await anthropic.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 300,
    system: 'Summarize customer tickets for triage. One paragraph, no PII.',
    messages: [{ role: 'user', content: `${subject}\n\n${body}` }],
  });
  const text = msg.content.find((b) => b.type === 'text');
  return text?.type === 'text' ? text.text : '';
}

export async function embedSummary(summary: string): Promise<number[]> {
  const { data } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: summary });
  return data[0]?.embedding ?? [];
}
