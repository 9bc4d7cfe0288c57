import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
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

  it('rewrites every fixture exactly as the engine does (golden outputs), and leaves the negatives alone', () => {
    const run = (transform: string) =>
      spawnSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/jscodeshift/bin/jscodeshift.js'),
          '-t', join(ROOT, `transforms/${transform}.ts`),
          '--extensions=ts,tsx,mts,cts,js,jsx,mjs,cjs',
          '--run-in-band',
          '--ignore-pattern=**/node_modules/**',
          `--runtime=${join(dir, 'otelify.runtime')}`,
          '.',
        ],
        { cwd: dir, encoding: 'utf8' },
      );
    const isLLM = (input: string) => /[\\/](openai|anthropic|google|bedrock|vercel-ai|mistral|cohere|ollama)[\\/]/.test(input);
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
    expect(readFileSync(join(dir, 'otelify.runtime.ts'), 'utf8')).toContain('export function traceSend');
  });
});
