import { openai, CHAT_MODEL } from '../clients.js';

export async function summarizeThread(messages: string[]): Promise<string> {
  const transcript = messages.map((m, i) => `#${i + 1}: ${m}`).join('\n');
  const response = await openai.responses.create({
    model: CHAT_MODEL,
    instructions: 'Summarize the support thread in three bullet points.',
    input: transcript,
  });
  return response.output_text;
}
