import { embed } from '@/lib/ai';
import { models } from '@/lib/models';
import { generateText } from '@/util/placeholder';

export interface Cell {
  id: string;
  text: string;
}

export async function cellVector(cell: Cell): Promise<number[]> {
  const value = cell.text.trim() === '' ? generateText(12) : cell.text;
  const { embedding } = await embed({ model: models.embedding, value });
  return embedding;
}
