import { ask } from './routes/ask.js';
import { embedChunks } from './routes/index-docs.js';

const [, , cmd, ...rest] = process.argv;
if (cmd === 'ask') {
  console.log(await ask(rest.join(' '), '', 'openai'));
} else if (cmd === 'index') {
  const vectors = await embedChunks(rest.map((text, i) => ({ docId: String(i), text })));
  console.log(`embedded ${vectors.length} chunks`);
} else if (cmd === 'translate') {
  const { translate } = await import('./routes/translate.js');
  const [lang = 'de', ...words] = rest;
  console.log(await translate(words.join(' '), lang as 'de' | 'fr' | 'es' | 'ja'));
}
