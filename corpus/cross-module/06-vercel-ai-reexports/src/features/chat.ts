import { streamText } from 'ai';
import type { ModelMessage } from '@/lib/ai';
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
