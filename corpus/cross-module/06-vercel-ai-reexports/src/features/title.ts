import { generateText } from '@/lib/ai';
import { models } from '@/lib/models';

export async function suggestTitle(cellText: string): Promise<string> {
  const { text } = await generateText({
    model: models.fast,
    system: 'Suggest a title of at most six words. No quotes.',
    prompt: cellText.slice(0, 2000),
  });
  return text.trim();
}
