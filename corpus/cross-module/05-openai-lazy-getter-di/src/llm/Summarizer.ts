import type { OpenAI, DigestItem } from './types.js';

export class Summarizer {
  private readonly history: string[] = [];

  constructor(
    private readonly llm: OpenAI,
    private readonly model = 'gpt-4.1-mini',
  ) {}

  async summarize(item: DigestItem): Promise<string> {
    const res = await this.llm.responses.create({
      model: this.model,
      instructions: 'Summarize in at most two sentences for a morning digest email.',
      input: `${item.title}\n\n${item.body}`,
    });
    this.history.push(item.title);
    return res.output_text;
  }

  async headline(summaries: string[]): Promise<string> {
    const res = await this.llm.chat.completions.create({
      model: this.model,
      messages: [
        { role: 'system', content: 'Write one catchy subject line.' },
        { role: 'user', content: summaries.join('\n') },
      ],
    });
    return res.choices[0]?.message.content?.trim() ?? 'Your daily digest';
  }
}
