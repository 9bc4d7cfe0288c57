// A realistic npm-workspaces monorepo for the end-to-end tests of `otelify apply`: three packages with the
// compiler settings real projects use (nodenext ESM with declarations; a bundler app with a `@/*` alias and
// the strictest flags; a package with no call site), resolving amqplib, openai, @opentelemetry/api and
// @otelify/runtime from this repository's node_modules, plus helpers to type-check and build each package with
// TypeScript 6 and 7 and to snapshot every file of the tree.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'dist/cli/bin.js');
export const TSC = {
  6: join(ROOT, 'node_modules/typescript/bin/tsc'),
  7: join(ROOT, 'node_modules/typescript7/bin/tsc'),
} as const;
export type TscVersion = keyof typeof TSC;

export const PACKAGES = ['orders', 'assistant', 'util'] as const;
export type PackageName = (typeof PACKAGES)[number];

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** orders' package.json: 4-space indentation and no final newline, as some editors leave it. */
export const ORDERS_PACKAGE_JSON = JSON.stringify(
  {
    name: '@shop/orders',
    version: '1.0.0',
    private: true,
    type: 'module',
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    scripts: { build: 'tsc -p .' },
    dependencies: { amqplib: '^0.10.8' },
    devDependencies: { '@types/amqplib': '^0.10.8' },
  },
  null,
  4,
);

/** assistant's package.json: no `dependencies` key at all. */
export const ASSISTANT_PACKAGE_JSON = json({
  name: '@shop/assistant',
  version: '1.0.0',
  private: true,
  type: 'module',
  scripts: { build: 'tsc -p .' },
  devDependencies: { openai: '^6.0.0', amqplib: '^0.10.8', '@types/amqplib': '^0.10.8' },
});

export const FILES: Record<string, string> = {
  'package.json': json({ name: 'shop', private: true, workspaces: ['packages/*'], devDependencies: { typescript: '^6.0.0' } }),
  // A stub: only its presence matters, it names npm as the package manager.
  'package-lock.json': json({ name: 'shop', lockfileVersion: 3, requires: true, packages: {} }),

  'packages/orders/package.json': ORDERS_PACKAGE_JSON,
  'packages/orders/tsconfig.json': json({
    compilerOptions: {
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      rootDir: 'src',
      outDir: 'dist',
      strict: true,
      declaration: true,
      skipLibCheck: false,
      types: ['node'],
    },
    include: ['src'],
  }),
  'packages/orders/src/index.ts': `export { publishOrder, publishOrderCreated } from './publisher.js';\nexport { consumeOrders } from './consumer.js';\nexport type { Order } from './types.js';\n`,
  'packages/orders/src/types.ts': `export interface Order {\n  id: string;\n  total: number;\n}\n`,
  'packages/orders/src/publisher.ts': `import type { Channel } from 'amqplib';
import type { Order } from './types.js';

const EXCHANGE = 'shop.events';

export function publishOrder(channel: Channel, order: Order): boolean {
  return channel.sendToQueue('orders', Buffer.from(JSON.stringify(order)), { persistent: true });
}

export function publishOrderCreated(channel: Channel, order: Order): boolean {
  return channel.publish(EXCHANGE, 'order.created', Buffer.from(JSON.stringify(order)), { contentType: 'application/json' });
}
`,
  'packages/orders/src/consumer.ts': `import type { Channel, ConsumeMessage } from 'amqplib';
import type { Order } from './types.js';

export async function consumeOrders(channel: Channel, handle: (order: Order) => Promise<void>): Promise<string> {
  const { consumerTag } = await channel.consume('orders', async (msg: ConsumeMessage | null) => {
    if (!msg) return;
    await handle(JSON.parse(msg.content.toString()) as Order);
    channel.ack(msg);
  });
  return consumerTag;
}
`,

  'packages/assistant/package.json': ASSISTANT_PACKAGE_JSON,
  'packages/assistant/tsconfig.json': json({
    compilerOptions: {
      target: 'es2022',
      module: 'esnext',
      moduleResolution: 'bundler',
      rootDir: 'src',
      outDir: 'dist',
      // TypeScript 6 resolves `paths` against the tsconfig's folder without a baseUrl.
      paths: { '@/*': ['./src/*'] },
      strict: true,
      noPropertyAccessFromIndexSignature: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      skipLibCheck: false,
      types: ['node'],
    },
    include: ['src'],
  }),
  'packages/assistant/src/index.ts': `export { answer } from '@/features/answer';\nexport { notifyAnswered } from '@/features/notify';\n`,
  'packages/assistant/src/lib/client.ts': `import OpenAI from 'openai';\n\nexport const client = new OpenAI();\n`,
  'packages/assistant/src/features/answer.ts': `import { client } from '@/lib/client';

export interface Question {
  text: string;
  model?: string;
}

export async function answer(question: Question): Promise<string> {
  const completion = await client.chat.completions.create({
    model: question.model ?? 'gpt-4o-mini',
    messages: [{ role: 'user', content: question.text }],
  });
  return completion.choices[0]?.message.content ?? '';
}
`,
  'packages/assistant/src/features/notify.ts': `import type { Channel } from 'amqplib';

export function notifyAnswered(channel: Channel, questionId: string): boolean {
  return channel.sendToQueue('answers', Buffer.from(questionId));
}
`,

  'packages/util/package.json': json({ name: '@shop/util', version: '1.0.0', private: true, type: 'module', main: 'dist/index.js' }),
  'packages/util/tsconfig.json': json({
    compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', rootDir: 'src', outDir: 'dist', strict: true, declaration: true, skipLibCheck: false, types: [] },
    include: ['src'],
  }),
  'packages/util/src/index.ts': `export { slugify } from './slug.js';\n`,
  'packages/util/src/slug.ts': `export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');\n}\n`,
};

/** Writes the monorepo into a new temp folder and returns it. */
export function createMonorepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelify-monorepo-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A copy of a pristine monorepo (node_modules re-linked, not copied). */
export function copyMonorepo(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelify-monorepo-'));
  cpSync(from, dir, { recursive: true, filter: (src) => src !== join(from, 'node_modules') });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Every file under `dir` (relative, `/`-separated, sorted), node_modules excluded. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Every file's bytes, keyed by its relative path. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((file) => [file, readFileSync(join(dir, file)).toString('base64')]));
}

export interface Build {
  /** tsc's exit code and its diagnostics. */
  code: number | null;
  output: string;
  /** The files tsc emitted under the package's dist/, which is deleted afterwards. */
  emitted: string[];
}

/**
 * `tsc -p packages/<name>` with TypeScript 6 or 7: type-checks and emits into dist/, lists it, deletes it.
 * `flags` go after the project (`--skipLibCheck` to spare TypeScript 6 the library check, say).
 */
export function build(dir: string, name: PackageName, version: TscVersion, flags: string[] = []): Build {
  const packageDir = join(dir, 'packages', name);
  const dist = join(packageDir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [TSC[version], '-p', packageDir, '--pretty', 'false', ...flags], { cwd: dir, encoding: 'utf8' });
  const emitted = listFiles(dist).map((file) => `dist/${file}`);
  rmSync(dist, { recursive: true, force: true });
  return { code: result.status, output: `${result.stdout}${result.stderr}`.trim(), emitted };
}

export function otelify(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
