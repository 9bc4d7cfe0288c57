export type Lang = 'de' | 'fr' | 'es' | 'ja';

// The Anthropic SDK is only loaded when the first translation is requested.
export async function translate(text: string, to: Lang): Promise<string> {
  const { anthropic, CLAUDE_MODEL } = await import('../lib/anthropic.js');
  const res = await anthropic.messages.create({
    model: CLAUDE_MODEL,
    max_tokens: 2000,
    system: `Translate the user's text to ${to}. Output only the translation.`,
    messages: [{ role: 'user', content: text }],
  });
  return res.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}
