import { openai } from '@/lib/llm';

export async function embedSummary(summary: string): Promise<number[]> {
  const { data } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: summary });
  return data[0]?.embedding ?? [];
}
