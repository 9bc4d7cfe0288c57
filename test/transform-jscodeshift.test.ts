import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureCases, FIXTURES } from './support/fixtures.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('transforms/queues.ts and transforms/llm.ts under the real jscodeshift CLI', () => {
  // A copy of the fixtures outside this repository, laid out like them, so specifiers compare equal.
  const dir = mkdtempSync(join(tmpdir(), 'otelify-jscodeshift-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixtures', type: 'module' }));
  cpSync(join(FIXTURES, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  const cases = fixtureCases();
  for (const { input } of cases) cpSync(input, join(dir, relative(FIXTURES, input)));
  // The modules the inputs import from their folder (a model built in another module), so their types resolve.
  for (const folder of new Set(cases.map(({ input }) => dirname(input)))) {
    for (const file of readdirSync(folder).filter((name) => /\.ts$/.test(name) && !/\.(input|output)\./.test(name))) cpSync(join(folder, file), join(dir, relative(FIXTURES, folder), file));
  }

  const jscodeshift = (cwd: string, transform: string, ...flags: string[]) =>
    spawnSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/jscodeshift/bin/jscodeshift.js'),
          '-t', join(ROOT, `transforms/${transform}.ts`),
          '--extensions=ts,tsx,mts,cts,js,jsx,mjs,cjs',
          '--run-in-band',
          '--ignore-pattern=**/node_modules/**',
          ...flags,
          '.',
        ],
        { cwd, encoding: 'utf8' },
      );

  it('rewrites every fixture exactly as the engine does (golden outputs), leaves the negatives alone, and declares the runtime package', () => {
    const run = (transform: string) => jscodeshift(dir, transform);
    const isLLM = (input: string) => /[\\/](openai|anthropic|google|bedrock|vercel-ai|mistral|cohere|ollama|langchain)[\\/]/.test(input);
    const positives = cases.filter((c) => c.output);
    for (const [transform, count] of [['queues', positives.filter((c) => !isLLM(c.input)).length], ['llm', positives.filter((c) => isLLM(c.input)).length]] as const) {
      const result = run(transform);
      expect(result.stderr).not.toMatch(/Error/);
      expect(result.stdout).toContain(`${count} ok`);
      expect(result.stdout).toContain('0 errors');
    }
    for (const { input, output } of cases) {
      const actual = readFileSync(join(dir, relative(FIXTURES, input)), 'utf8');
      expect(actual, relative(FIXTURES, input)).toBe(readFileSync(output ?? input, 'utf8'));
    }
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies).toEqual({ '@opentelemetry/api': '^1.9.0', '@otelify/runtime': expect.stringMatching(/^\^\d+\.\d+\.\d+/) });
  });

  it('--runtime=vendor writes one runtime into the package, holding only the parts its files use', () => {
    const vendoring = mkdtempSync(join(tmpdir(), 'otelify-jscodeshift-vendor-'));
    try {
      symlinkSync(join(ROOT, 'node_modules'), join(vendoring, 'node_modules'));
      writeFileSync(join(vendoring, 'package.json'), JSON.stringify({ name: 'vendoring', type: 'module' }));
      writeFileSync(join(vendoring, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true, rootDir: 'src' } }));
      mkdirSync(join(vendoring, 'src/orders'), { recursive: true });
      mkdirSync(join(vendoring, 'src/assistant'), { recursive: true });
      cpSync(join(FIXTURES, 'amqplib/publish.input.ts'), join(vendoring, 'src/orders/publish.ts'));
      cpSync(join(FIXTURES, 'openai/chat.input.ts'), join(vendoring, 'src/assistant/chat.ts'));
      for (const transform of ['queues', 'llm']) expect(jscodeshift(vendoring, transform, '--runtime=vendor').stdout).toContain('1 ok');
      expect(readFileSync(join(vendoring, 'src/orders/publish.ts'), 'utf8')).toContain("import * as otelify from '../otelify.runtime.js';");
      expect(readFileSync(join(vendoring, 'src/assistant/chat.ts'), 'utf8')).not.toContain('@otelify/runtime');
      const runtime = readFileSync(join(vendoring, 'src/otelify.runtime.ts'), 'utf8');
      expect(runtime).toContain('export function traceSend');
      expect(runtime).toContain("adapters['openai.chat']");
      expect(runtime).not.toContain("adapters['anthropic.messages']");
      expect(JSON.parse(readFileSync(join(vendoring, 'package.json'), 'utf8')).dependencies).toEqual({ '@opentelemetry/api': '^1.9.0' });
    } finally {
      rmSync(vendoring, { recursive: true, force: true });
    }
  });
});
