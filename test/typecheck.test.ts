import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { runtimeSource } from '../src/runtime/source.js';
import { FIXTURE_RUNTIME, FIXTURES, runEngine } from './support/fixtures.js';

function diagnosticsOf(extraOptions: ts.CompilerOptions = {}, only?: RegExp, extraFiles: string[] = []): { files: string[]; diagnostics: string[]; loaded: string[] } {
  writeFileSync(FIXTURE_RUNTIME, runtimeSource('ts'));
  const configPath = join(FIXTURES, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, FIXTURES, extraOptions, configPath);
  const files = [...parsed.fileNames.filter((f) => !only || only.test(f) || f === FIXTURE_RUNTIME), ...extraFiles];
  const program = ts.createProgram(files, parsed.options);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${d.file?.fileName ?? ''}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  const loaded = program.getSourceFiles().map((f) => f.fileName);
  return { files: files.filter((f) => f.includes('.output.')), diagnostics, loaded };
}

// LangChain's typings alone take a third of this program's checking time.
it('every rewritten fixture and the runtime type-check under strict against the real typings', () => {
  const { files, diagnostics } = diagnosticsOf();
  expect(files.length).toBeGreaterThan(0);
  expect(diagnostics).toEqual([]);
}, 120_000);

it('every rewritten fixture and the runtime type-check under TypeScript 7 (the native compiler) too', () => {
  writeFileSync(FIXTURE_RUNTIME, runtimeSource('ts'));
  const tsc7 = join(FIXTURES, '../node_modules/typescript7/bin/tsc');
  const run = spawnSync(process.execPath, [tsc7, '-p', join(FIXTURES, 'tsconfig.json'), '--noEmit', '--listFilesOnly'], { encoding: 'utf8' });
  const outputs = run.stdout.split('\n').filter((f) => f.includes('.output.'));
  expect(outputs.length).toBeGreaterThan(40);
  expect(run.stdout).toMatch(/packages\/runtime\/dist\/(esm|cjs)\/index\.d\.ts/);
  const checked = spawnSync(process.execPath, [tsc7, '-p', join(FIXTURES, 'tsconfig.json'), '--noEmit', '--pretty', 'false'], { encoding: 'utf8' });
  expect(checked.stdout + checked.stderr).toBe('');
  expect(checked.status).toBe(0);
}, 60_000);

it('the rewritten OpenAI fixtures type-check against openai 7 too (installed as openai-v7)', () => {
  const v7 = join(FIXTURES, '../node_modules/openai-v7');
  const { files, diagnostics, loaded } = diagnosticsOf({ paths: { openai: [`${v7}/index.d.mts`], 'openai/*': [`${v7}/*.d.mts`] } }, /[\\/]fixtures[\\/]openai[\\/]/);
  expect(files.length).toBeGreaterThan(2);
  expect(loaded.some((f) => f.includes('/node_modules/openai-v7/'))).toBe(true);
  expect(loaded.some((f) => f.includes('/node_modules/openai/'))).toBe(false);
  expect(diagnostics).toEqual([]);
});

it('rewritten LLM calls keep every type check of their request: a misspelt option is still an error', () => {
  const input = join(FIXTURES, 'openai/typo.input.ts');
  const source = `import OpenAI from 'openai';\nexport const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o', messages: [], temprature: 0 });\n`;
  const rewritten = join(FIXTURES, 'openai/typo.rewritten.ts');
  const output = runEngine(input, source).output!;
  writeFileSync(rewritten, output);
  try {
    const { diagnostics } = diagnosticsOf({}, /typo\.rewritten/, [rewritten]);
    expect(diagnostics).toHaveLength(1);
    // On the line of the call (after the spec, which may break across lines).
    const line = output.split('\n').findIndex((l) => l.includes('temprature')) + 1;
    expect(diagnostics[0]).toMatch(new RegExp(`typo\\.rewritten\\.ts:${line}: [\\s\\S]*'temprature' does not exist`));
  } finally {
    rmSync(rewritten);
  }
});

it('the usage request streamUsage adds type-checks, in a chat completion and a text completion', () => {
  const input = join(FIXTURES, 'openai/stream-usage.input.ts');
  const source = [
    `import OpenAI from 'openai';`,
    `export const chat = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });`,
    `export const text = (client: OpenAI) => client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi', stream: true });`,
    '',
  ].join('\n');
  const rewritten = join(FIXTURES, 'openai/stream-usage.rewritten.ts');
  const output = runEngine(input, source, undefined, undefined, true).output!;
  expect(output.match(/stream_options: \{ include_usage: true \}/g)).toHaveLength(2);
  writeFileSync(rewritten, output);
  try {
    const { diagnostics } = diagnosticsOf({}, /stream-usage\.rewritten/, [rewritten]);
    expect(diagnostics).toEqual([]);
  } finally {
    rmSync(rewritten);
  }
});
