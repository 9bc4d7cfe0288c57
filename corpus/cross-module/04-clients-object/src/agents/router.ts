import { clients } from '@/lib/clients';
import { providerQueue } from '@/lib/limits';

export type Route = 'billing' | 'technical' | 'sales' | 'other';

export async function classify(text: string): Promise<Route> {
  const result = await providerQueue.add(() =>
    clients.openai.chat.completions.create({
      model: 'gpt-4o-mini',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'Classify the message. Reply as {"route": "billing|technical|sales|other"}.' },
        { role: 'user', content: text },
      ],
    }),
  );
  if (!result) return 'other';
  const parsed = JSON.parse(result.choices[0]?.message.content ?? '{}') as { route?: Route };
  return parsed.route ?? 'other';
}

export async function escalate(text: string): Promise<string> {
  const msg = await clients.anthropic.messages.create({
    model: 'claude-opus-4-1',
    max_tokens: 1500,
    messages: [{ role: 'user', content: `Write an escalation brief for the on-call engineer:\n\n${text}` }],
  });
  return msg.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
}
