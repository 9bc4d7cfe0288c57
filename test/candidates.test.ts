import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { selectCandidates } from '../src/engine/candidates.js';
import { createPrefilter } from '../src/engine/prefilter.js';
import { builtinTargets } from '../src/targets/index.js';

const dir = mkdtempSync(join(tmpdir(), 'otelify-candidates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const prefilter = createPrefilter(builtinTargets);

function tree(files: Record<string, string>): { path: string; text: string }[] {
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return { path, text };
  });
}

const names = (files: { path: string }[], selected: Set<string>) => files.filter((f) => selected.has(f.path)).map((f) => f.path.slice(dir.length + 1)).sort();

it('follows clients into the modules that import them: relative, aliased, through barrels, and in CommonJS', () => {
  const files = tree({
    'app/tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'app/src/lib/openai.ts': "import OpenAI from 'openai';\nexport const openai = new OpenAI();\n",
    'app/src/lib/index.ts': "export * from './openai.js';\nexport { formatDate } from './dates.js';\n",
    'app/src/lib/dates.ts': 'export const formatDate = (d: Date) => d.toISOString();\n',
    'app/src/features/answer.ts': "import { openai } from '@/lib/openai';\nexport const ask = () => openai;\n",
    'app/src/features/barrel-user.ts': "import { openai } from '../lib';\nexport const ask = () => openai;\n",
    'app/src/features/dates-user.ts': "import { formatDate } from '../lib/dates.js';\nexport const now = () => formatDate(new Date());\n",
    'app/src/queues.js': "const { Queue } = require('bullmq');\nconst emails = new Queue('emails');\nmodule.exports = { emails };\n",
    'app/src/signup.js': "const { emails } = require('./queues');\nexports.signup = (to) => emails.add('welcome', { to });\n",
    'app/src/unrelated.ts': 'export const answer = 42;\n',
  }).filter((f) => /\.[jt]s$/.test(f.path));
  const { candidates } = selectCandidates(files, prefilter);
  expect(names(files, candidates)).toEqual([
    'app/src/features/answer.ts',
    'app/src/features/barrel-user.ts',
    // The barrel passes the client on but calls nothing: its importers are the candidates, not it.
    'app/src/lib/openai.ts',
    'app/src/queues.js',
    'app/src/signup.js',
  ]);
});

it('follows a workspace package imported by its name to its source, but not a package installed from a registry', () => {
  const files = tree({
    'mono/packages/clients/package.json': JSON.stringify({ name: '@acme/clients', main: 'dist/index.js', types: 'dist/index.d.ts' }),
    'mono/packages/clients/src/index.ts': "export { anthropic } from './anthropic.js';\n",
    'mono/packages/clients/src/anthropic.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const anthropic = new Anthropic();\n",
    'mono/packages/app/src/draft.ts': "import { anthropic } from '@acme/clients';\nexport const draft = () => anthropic;\n",
    'mono/packages/app/src/format.ts': "import { format } from 'registry-lib';\nexport const f = format;\n",
    'mono/node_modules/registry-lib/package.json': JSON.stringify({ name: 'registry-lib', main: 'index.js' }),
    'mono/node_modules/registry-lib/index.js': "const OpenAI = require('openai');\nexports.format = new OpenAI();\n",
  });
  mkdirSync(join(dir, 'mono/node_modules/@acme'), { recursive: true });
  symlinkSync(join(dir, 'mono/packages/clients'), join(dir, 'mono/node_modules/@acme/clients'));
  const app = files.filter((f) => f.path.includes('/packages/app/'));
  expect(names(app, selectCandidates(app, prefilter).candidates)).toEqual(['mono/packages/app/src/draft.ts']);
});

it('follows a client made from an imported one in a third module (a channel from the connection), and not a module that only uses it', () => {
  const files = tree({
    'svc/broker.ts': "import amqp from 'amqplib';\nexport const broker = await amqp.connect(process.env.URL ?? '');\n",
    'svc/channels/orders.ts': "import { broker } from '../broker.js';\nexport const orders = await broker.createChannel();\n",
    'svc/channels/index.ts': "export { orders } from './orders.js';\n",
    'svc/subscriber.ts': "import { orders } from './channels/index.js';\nawait orders.consume('orders', (m) => console.log(m));\n",
    'svc/default-channel.ts': "import { broker } from './broker.js';\nexport default broker.createChannel();\n",
    'svc/audit.ts': "import channel from './default-channel.js';\nexport const audit = async () => (await channel).sendToQueue('audit', Buffer.from(''));\n",
    'svc/logger.ts': "import { broker } from './broker.js';\nbroker.on('error', console.error);\nexport const log = (s: string) => console.log(s);\nexport const level = 'info';\n",
    'svc/uses-logger.ts': "import { log } from './logger.js';\nlog('x');\n",
  });
  const { candidates } = selectCandidates(files, prefilter);
  expect(names(files, candidates)).toEqual([
    'svc/audit.ts',
    'svc/broker.ts',
    'svc/channels/orders.ts',
    'svc/default-channel.ts',
    'svc/logger.ts',
    'svc/subscriber.ts',
  ]);
});
