import { anthropic, MODEL } from '@/lib/anthropic';
import { bus } from '@/events/bus';

export async function streamDraft(noteId: string, outline: string): Promise<string> {
  const stream = anthropic.messages.stream({
    model: MODEL,
    max_tokens: 2048,
    messages: [{ role: 'user', content: `Expand this outline into a note:\n${outline}` }],
  });

  stream.on('text', (delta) => {
    bus.emit('token', noteId, delta);
  });

  const final = await stream.finalMessage();
  bus.emit('done', noteId);
  return final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}
