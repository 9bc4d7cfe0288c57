import { getOpenAI } from './llm/client.js';
import { Summarizer } from './llm/Summarizer.js';
import { isSafe } from './jobs/moderate.js';
import type { DigestItem } from './llm/types.js';

const items: DigestItem[] = JSON.parse(process.env.DIGEST_ITEMS ?? '[]');
const summarizer = new Summarizer(getOpenAI());

const summaries: string[] = [];
for (const item of items) {
  if (!(await isSafe(item))) continue;
  summaries.push(await summarizer.summarize(item));
}
console.log(await summarizer.headline(summaries));
console.log(summaries.join('\n\n'));
