import { reply } from '@/services/chat';
import { streamDraft } from '@/services/draft';
import { suggestTags } from '@/services/tags';
import { bus } from '@/events/bus';

bus.on('token', (_id, text) => process.stdout.write(text));

const draft = await streamDraft('n1', '- groceries\n- call plumber');
console.log('\ntags:', await suggestTags(draft));
console.log(await reply([], 'What did I plan for today?'));
