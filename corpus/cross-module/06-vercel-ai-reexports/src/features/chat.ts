import { streamText } from 'ai';
import { generateText, type ModelMessage } from '@/lib/ai';
import { models } from '@/lib/models';

export async function POST(req: Request): Promise<Response> {
  const { messages } = (await req.json()) as { messages: ModelMessage[] };
  const result = streamText({
    model: models.smart,
    system: 'You are a notebook assistant. Prefer short code examples.',
    messages,
  });
  return result.toTextStreamResponse();
}

export async function suggestTitle(cellText: string): Promise<string> {
  const { text } = await generateText({
    model: models.fast,
    system: 'Suggest a title of at most six words. No quotes.',
    prompt: cellText.slice(0, 2000),
  });
  return text.trim();
}
