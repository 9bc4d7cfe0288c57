import { classify, escalate } from '@/agents/router';
import { draftReply, polish } from '@/agents/draft';

const ticket = process.argv.slice(2).join(' ') || 'My invoice is wrong and the dashboard is down.';
const route = await classify(ticket);
console.log('route:', route);

if (route === 'technical') {
  console.log(await escalate(ticket));
}

const parts: string[] = [];
for await (const piece of draftReply(ticket)) parts.push(piece);
console.log(await polish(parts.join('')));
