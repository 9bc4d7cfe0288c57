import { clients } from '@/lib/clients';

const { anthropic } = clients;

export async function* draftReply(ticket: string): AsyncGenerator<string> {
  const stream = anthropic.messages.stream({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    messages: [{ role: 'user', content: ticket }],
  });
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      yield event.delta.text;
    }
  }
}

export async function polish(reply: string): Promise<string> {
  const res = await clients.openai.responses.create({ model: 'gpt-4.1', input: `Fix grammar, keep tone:\n${reply}` });
  return res.output_text;
}
