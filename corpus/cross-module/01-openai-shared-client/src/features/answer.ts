import { openai, CHAT_MODEL } from '../clients.js';
import { fakeOpenAI } from '../testing/fakeOpenAI.js';

const SYSTEM = 'You are a support agent for Acme. Answer briefly and cite the help-center article when relevant.';

export async function answerTicket(subject: string, body: string): Promise<string> {
  if (process.env.SUPPORT_BOT_OFFLINE === '1') {
    const fake = await fakeOpenAI.chat.completions.create({ model: 'offline', messages: [{ role: 'user', content: body }] });
    return fake.choices[0]?.message.content ?? '';
  }

  const completion = await openai.chat.completions.create({
    model: CHAT_MODEL,
    temperature: 0.2,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: `Subject: ${subject}\n\n${body}` },
    ],
  });
  return completion.choices[0]?.message.content ?? '';
}
