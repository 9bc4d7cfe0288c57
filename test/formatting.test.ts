// Inserted code follows the project's formatter settings (Prettier, Biome, EditorConfig) and breaks its objects
// across lines where a line would be too long; the original code's lines never change.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { diffChars } from 'diff';
import { afterAll, describe, expect, it } from 'vitest';
import { createFormatSettingsLookup, globMatches, parseSimpleYaml, scanLiteralOptions, type FormatSettings } from '../src/engine/format-settings.js';
import { instrumentSources, type FileOutcome } from '../src/engine/instrument.js';
import { lineWidth } from '../src/engine/layout.js';
import { compilerOptionsFor } from '../src/engine/program.js';
import { ts } from '../src/engine/typescript.cjs';
import { engineOptions } from '../src/setup.js';
import { builtinTargets } from '../src/targets/index.js';
import { makeProject } from './support/project.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>, options: { packageJson?: string; nodeModules?: boolean } = {}): string {
  const dir = makeProject('otelify-format-', files, options);
  dirs.push(dir);
  return dir;
}

function rewrite(dir: string, file: string, options: { keepLineNumbers?: boolean; text?: string } = {}): FileOutcome & { settings: FormatSettings | undefined } {
  const path = join(dir, file);
  const lookup = createFormatSettingsLookup();
  const [outcome] = instrumentSources(
    [{ path, text: options.text ?? readFileSync(path, 'utf8') }],
    engineOptions({ targets: builtinTargets }, compilerOptionsFor(dir), { formatSettings: lookup, keepLineNumbers: options.keepLineNumbers }),
  );
  return { ...outcome!, settings: lookup(path) };
}

/**
 * The rewrite inserted text only; every line without inserted text is a line of the input, byte for byte; a
 * line holding inserted text that is wider than `width` has no inserted object left on one line (unless its
 * original part alone is that wide); the result parses; and a second run changes nothing.
 */
function checkRewrite(dir: string, file: string, input: string, output: string, width: number, tabWidth = 2): void {
  const parts = diffChars(input, output);
  expect(parts.filter((p) => p.removed), 'only insertions').toEqual([]);
  const lines: { text: string; original: string; added: string; inserted: boolean }[] = [{ text: '', original: '', added: '', inserted: false }];
  for (const part of parts) {
    for (const c of part.value) {
      const line = lines[lines.length - 1]!;
      if (c === '\n') {
        line.inserted ||= !!part.added;
        lines.push({ text: '', original: '', added: '', inserted: false });
        continue;
      }
      line.text += c;
      if (part.added) {
        line.inserted = true;
        line.added += c;
      } else line.original += c;
    }
  }
  const inputLines = new Set(input.split('\n'));
  for (const line of lines) {
    if (!line.inserted) {
      expect(inputLines.has(line.text), `unchanged line: ${line.text}`).toBe(true);
      continue;
    }
    const text = line.text.replace(/\r$/, '');
    // Only inserted objects break: a line may stay too long where its original part alone is, or where what
    // makes it so is inserted text with no object left to break (a wrapper's tail, `otelify.inject(...)`).
    if (lineWidth(text, tabWidth) > width && lineWidth(line.original.replace(/\r$/, ''), tabWidth) <= width) {
      expect(line.added, `too long, with an object that could break: ${text}`).not.toMatch(/\{ \w+: /);
    }
  }
  const parsed = ts.createSourceFile(file, output, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  expect((parsed as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
  writeFileSync(join(dir, file), output);
  const again = rewrite(dir, file);
  expect(again.output, 'a second run changes nothing').toBeUndefined();
  expect(again.sites.length).toBeGreaterThan(0);
  expect(again.sites.every((s) => s.action === 'already-instrumented')).toBe(true);
}

// Written as a project that does not follow its formatter: single quotes, semicolons, two spaces.
const QUEUE_SOURCE = `import { Queue, Worker } from 'bullmq';

const connection = { host: '127.0.0.1', port: 6379 };
export const emails = new Queue('emails', { connection });

export async function queueWelcome(userId: string) {
  if (userId) {
    await emails.add('welcome', { userId });
  }
}

export const worker = new Worker('emails', async (job) => job.data, { connection });
`;

const TABBED_SOURCE = QUEUE_SOURCE.replace(/^( {2})+/gm, (spaces) => '\t'.repeat(spaces.length / 2));

describe('Prettier settings', () => {
  it('.prettierrc: width 80, double quotes, no semicolons, no trailing commas, tabs', () => {
    const prettierrc = JSON.stringify({ printWidth: 80, singleQuote: false, semi: false, trailingComma: 'none', useTabs: true });
    const dir = project({ '.prettierrc': prettierrc, 'src/jobs.ts': TABBED_SOURCE });
    const result = rewrite(dir, 'src/jobs.ts');
    expect(result.settings).toEqual({ printWidth: 80, useTabs: true, indentWidth: 2, singleQuote: false, semi: false, trailingComma: 'none', source: join(dir, '.prettierrc') });
    expect(result.output).toBe(`import { Queue, Worker } from 'bullmq';
import * as otelify from "@otelify/runtime"

const connection = { host: '127.0.0.1', port: 6379 };
export const emails = new Queue('emails', { connection });

export async function queueWelcome(userId: string) {
	if (userId) {
		await otelify.traceSend({
			system: "bullmq",
			operation: "publish",
			destination: emails.name
		}, () => emails.add('welcome', { userId }, otelify.inject({}, "telemetry.metadata", "json")));
	}
}

export const worker = new Worker('emails', otelify.traceProcess({
	system: "bullmq",
	destination: "emails",
	headers: "opts.telemetry.metadata",
	format: "json",
	id: "id"
}, async (job) => job.data), { connection });
`);
    checkRewrite(dir, 'src/jobs.ts', TABBED_SOURCE, result.output!, 80);
  });
});

function expectOutput(name: string, output: string | undefined, expected: string): void {
  expect(output, name).toBe(expected);
}

const lastLineWith = (lines: string[], token: string) => lines.map((l, i) => (l.includes(token) ? i : -1)).reduce((a, b) => Math.max(a, b));

const LLM_SOURCE = `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: 'https://api.example.com/v1' });

export function chat(prompt: string) {
  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], temperature: 0, max_tokens: 64 });
}
`;

describe('Prettier settings, other places', () => {
  it('package.json "prettier" key: width 40, single quotes, no semicolons; nested objects break too', () => {
    const packageJson = JSON.stringify({ name: 'shop', type: 'module', prettier: { printWidth: 40, semi: false, singleQuote: true } });
    const dir = project({ 'src/chat.ts': LLM_SOURCE }, { packageJson });
    const result = rewrite(dir, 'src/chat.ts');
    expect(result.settings).toMatchObject({ printWidth: 40, semi: false, singleQuote: true, trailingComma: 'all', source: join(dir, 'package.json') });
    expectOutput('package-json', result.output, `import OpenAI from 'openai';
import * as otelify from '@otelify/runtime'
import '@otelify/runtime/openai'

const client = new OpenAI({ baseURL: 'https://api.example.com/v1' });

export function chat(prompt: string) {
  return otelify.traceLLM({
    provider: 'openai',
    operation: 'chat',
    api: 'openai.chat',
    model: 'gpt-4o-mini',
    server: 'api.example.com',
    params: {
      temperature: 0,
      max_tokens: 64,
    },
  }, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], temperature: 0, max_tokens: 64 }));
}
`);
    checkRewrite(dir, 'src/chat.ts', LLM_SOURCE, result.output!, 40);
  });

  it('overrides: a width for *.ts, single quotes under legacy/', () => {
    const prettierrc = JSON.stringify({ printWidth: 80, overrides: [{ files: '*.ts', options: { printWidth: 200 } }, { files: ['legacy/**'], excludeFiles: 'legacy/keep/**', options: { singleQuote: true } }] });
    const dir = project({ '.prettierrc.json': prettierrc, 'src/jobs.ts': QUEUE_SOURCE, 'legacy/jobs.ts': QUEUE_SOURCE, 'legacy/keep/jobs.ts': QUEUE_SOURCE });
    const modern = rewrite(dir, 'src/jobs.ts');
    expect(modern.settings).toMatchObject({ printWidth: 200, singleQuote: false, source: `${join(dir, '.prettierrc.json')} (overrides)` });
    expectOutput('overrides', modern.output, `import { Queue, Worker } from 'bullmq';
import * as otelify from "@otelify/runtime";

const connection = { host: '127.0.0.1', port: 6379 };
export const emails = new Queue('emails', { connection });

export async function queueWelcome(userId: string) {
  if (userId) {
    await otelify.traceSend({ system: "bullmq", operation: "publish", destination: emails.name }, () => emails.add('welcome', { userId }, otelify.inject({}, "telemetry.metadata", "json")));
  }
}

export const worker = new Worker('emails', otelify.traceProcess({
  system: "bullmq",
  destination: "emails",
  headers: "opts.telemetry.metadata",
  format: "json",
  id: "id",
}, async (job) => job.data), { connection });
`);
    checkRewrite(dir, 'src/jobs.ts', QUEUE_SOURCE, modern.output!, 200);
    const legacy = rewrite(dir, 'legacy/jobs.ts');
    expect(legacy.settings).toMatchObject({ printWidth: 200, singleQuote: true });
    expect(legacy.output).toBe(modern.output!.replace(/"/g, "'"));
    expect(rewrite(dir, 'legacy/keep/jobs.ts').settings).toMatchObject({ printWidth: 200, singleQuote: false });
  });
});

describe('Biome settings', () => {
  it('biome.json: width 100, double quotes, semicolons as needed; the javascript section overrides the general one', () => {
    const biome = JSON.stringify({ formatter: { lineWidth: 100, indentStyle: 'tab' }, javascript: { formatter: { quoteStyle: 'double', semicolons: 'asNeeded', indentStyle: 'space' } } });
    const dir = project({ 'biome.json': biome, 'src/jobs.ts': QUEUE_SOURCE });
    const result = rewrite(dir, 'src/jobs.ts');
    expect(result.settings).toEqual({ printWidth: 100, useTabs: false, indentWidth: 2, singleQuote: false, semi: false, trailingComma: 'all', source: join(dir, 'biome.json') });
    expectOutput('biome', result.output, `import { Queue, Worker } from 'bullmq';
import * as otelify from "@otelify/runtime"

const connection = { host: '127.0.0.1', port: 6379 };
export const emails = new Queue('emails', { connection });

export async function queueWelcome(userId: string) {
  if (userId) {
    await otelify.traceSend({
      system: "bullmq",
      operation: "publish",
      destination: emails.name,
    }, () => emails.add('welcome', { userId }, otelify.inject({}, "telemetry.metadata", "json")));
  }
}

export const worker = new Worker('emails', otelify.traceProcess({
  system: "bullmq",
  destination: "emails",
  headers: "opts.telemetry.metadata",
  format: "json",
  id: "id",
}, async (job) => job.data), { connection });
`);
    checkRewrite(dir, 'src/jobs.ts', QUEUE_SOURCE, result.output!, 100);
  });
});

describe('EditorConfig settings', () => {
  it('.editorconfig: the [*.ts] section over [*], root = true stops the search; quotes and semicolons from the file', () => {
    const outer = '[*]\nmax_line_length = 40\nindent_style = space\n';
    const inner = 'root = true\n\n[*]\nindent_style = space\nindent_size = 4\nmax_line_length = 120\n\n[*.ts]\nmax_line_length = 90\nindent_style = tab\n\n[*.md]\nmax_line_length = off\n';
    const dir = project({ '.editorconfig': outer, 'app/.editorconfig': inner, 'app/src/jobs.ts': TABBED_SOURCE, 'app/src/jobs.js': '' });
    const result = rewrite(dir, 'app/src/jobs.ts');
    expect(result.settings).toEqual({ printWidth: 90, useTabs: true, indentWidth: 4, source: join(dir, 'app/.editorconfig') });
    expectOutput('editorconfig', result.output, `import { Queue, Worker } from 'bullmq';
import * as otelify from '@otelify/runtime';

const connection = { host: '127.0.0.1', port: 6379 };
export const emails = new Queue('emails', { connection });

export async function queueWelcome(userId: string) {
	if (userId) {
		await otelify.traceSend({
			system: 'bullmq',
			operation: 'publish',
			destination: emails.name,
		}, () => emails.add('welcome', { userId }, otelify.inject({}, 'telemetry.metadata', 'json')));
	}
}

export const worker = new Worker('emails', otelify.traceProcess({
	system: 'bullmq',
	destination: 'emails',
	headers: 'opts.telemetry.metadata',
	format: 'json',
	id: 'id',
}, async (job) => job.data), { connection });
`);
    checkRewrite(dir, 'app/src/jobs.ts', TABBED_SOURCE, result.output!, 90, 4);
    const lookup = createFormatSettingsLookup();
    expect(lookup(join(dir, 'app/src/jobs.js'))).toEqual({ printWidth: 120, useTabs: false, indentWidth: 4, source: join(dir, 'app/.editorconfig') });
    expect(lookup(join(dir, 'app/README.md'))).toMatchObject({ printWidth: Number.POSITIVE_INFINITY });
    expect(lookup(join(dir, 'other.ts'))).toEqual({ printWidth: 40, useTabs: false, source: join(dir, '.editorconfig') });
  });
});

describe('without formatter settings', () => {
  it('keeps the width the file is written to (100 here: one line is 84 wide), its quotes, semicolons and indentation', () => {
    const dir = project({ 'src/jobs.ts': QUEUE_SOURCE });
    const result = rewrite(dir, 'src/jobs.ts');
    expect(result.settings).toBeUndefined();
    expectOutput('none', result.output, `import { Queue, Worker } from 'bullmq';
import * as otelify from '@otelify/runtime';

const connection = { host: '127.0.0.1', port: 6379 };
export const emails = new Queue('emails', { connection });

export async function queueWelcome(userId: string) {
  if (userId) {
    await otelify.traceSend({
      system: 'bullmq',
      operation: 'publish',
      destination: emails.name,
    }, () => emails.add('welcome', { userId }, otelify.inject({}, 'telemetry.metadata', 'json')));
  }
}

export const worker = new Worker('emails', otelify.traceProcess({
  system: 'bullmq',
  destination: 'emails',
  headers: 'opts.telemetry.metadata',
  format: 'json',
  id: 'id',
}, async (job) => job.data), { connection });
`);
    checkRewrite(dir, 'src/jobs.ts', QUEUE_SOURCE, result.output!, 100);
  });
});

describe('line endings, line numbers and source maps', () => {
  it('a CRLF file stays CRLF, broken lines included', () => {
    const crlf = QUEUE_SOURCE.replace(/\n/g, '\r\n');
    const dir = project({ 'src/jobs.ts': crlf });
    const { output } = rewrite(dir, 'src/jobs.ts');
    expect(output).toBe(rewrite(project({ 'src/jobs.ts': QUEUE_SOURCE }), 'src/jobs.ts').output!.replace(/\n/g, '\r\n'));
    expect(output).not.toMatch(/[^\r]\n/);
    checkRewrite(dir, 'src/jobs.ts', crlf, output!, 100);
  });

  it('where every line must keep its number (tsc), nothing breaks, but quotes and semicolons follow the settings', () => {
    const dir = project({ '.prettierrc': '{ "printWidth": 40, "semi": false, "singleQuote": false }', 'src/jobs.ts': QUEUE_SOURCE });
    const { output } = rewrite(dir, 'src/jobs.ts', { keepLineNumbers: true });
    expect(output!.split('\n').length).toBe(QUEUE_SOURCE.split('\n').length);
    expect(output).toContain(`await otelify.traceSend({ system: "bullmq", operation: "publish", destination: emails.name }, () => emails.add('welcome', { userId }, otelify.inject({}, "telemetry.metadata", "json")));`);
    expect(output).not.toMatch(/[\uE000-\uE002]/);
  });

  it('maps the original code where it went after a break', () => {
    const dir = project({ 'src/jobs.ts': QUEUE_SOURCE });
    const { output, map } = rewrite(dir, 'src/jobs.ts');
    const trace = new TraceMap(map!.toString());
    const lines = output!.split('\n');
    const inputLines = QUEUE_SOURCE.split('\n');
    for (const token of ['emails.add', 'async (job)', '{ connection });']) {
      const at = lastLineWith(lines, token);
      const from = lastLineWith(inputLines, token);
      const position = originalPositionFor(trace, { line: at + 1, column: lines[at]!.indexOf(token) });
      expect([token, position.line, position.column]).toEqual([token, from + 1, inputLines[from]!.indexOf(token)]);
    }
    expect(lastLineWith(lines, '{ connection });')).toBeGreaterThan(inputLines.length - 2);
  });

  it('a source holding the private-use characters the break points use is rewritten without breaking', () => {
    const text = `${QUEUE_SOURCE}export const marker = '\uE000';\n`;
    const dir = project({ 'src/jobs.ts': text });
    const { output } = rewrite(dir, 'src/jobs.ts');
    expect(output).toContain(`await otelify.traceSend({ system: 'bullmq', operation: 'publish', destination: emails.name }, () =>`);
    expect(output!.match(/[\uE000-\uE002]/g)).toEqual(['\uE000']);
  });
});

describe('the settings lookup', () => {
  it('reads .prettierrc as YAML, .prettierrc.yaml, and JSON5 that JSON cannot read', () => {
    const dir = project({
      'a/.prettierrc': '# comment\nprintWidth: 90\nsingleQuote: true\nsemi: false\ntrailingComma: "es5"\noverrides:\n  - files: "*.ts"\n    options:\n      printWidth: 10\n',
      'b/.prettierrc.yml': 'useTabs: true\ntabWidth: 4\n',
      'c/.prettierrc.json5': "{ printWidth: 110, singleQuote: true, /* note */ trailingComma: 'none', }",
    });
    const lookup = createFormatSettingsLookup();
    expect(lookup(join(dir, 'a/x.ts'))).toEqual({ printWidth: 90, useTabs: false, indentWidth: 2, singleQuote: true, semi: false, trailingComma: 'es5', source: join(dir, 'a/.prettierrc') });
    expect(lookup(join(dir, 'b/x.ts'))).toMatchObject({ printWidth: 80, useTabs: true, indentWidth: 4, singleQuote: false, semi: true });
    expect(lookup(join(dir, 'c/x.ts'))).toMatchObject({ printWidth: 110, singleQuote: true, trailingComma: 'none' });
  });

  it('reads only plain literal options of a config that is code, never running it', () => {
    const code = `// printWidth: 20 in a comment
import base from './base.js';
export default {
  ...base,
  printWidth: 100,
  semi: false,
  tabWidth: compute(),
  overrides: [{ files: '*.md', options: { singleQuote: true } }, { files: '*.js', options: { singleQuote: false } }],
};
`;
    expect(scanLiteralOptions(code)).toEqual({ printWidth: 100, semi: false });
    const dir = project({ 'prettier.config.mjs': `${code}throw new Error('evaluated');\n` });
    expect(createFormatSettingsLookup()(join(dir, 'src/x.ts'))).toMatchObject({ printWidth: 100, semi: false, source: join(dir, 'prettier.config.mjs') });
  });

  it('resolves a shared config named in package.json when it is JSON', () => {
    const dir = project({ 'config/prettier.json': '{ "printWidth": 95, "singleQuote": true }' }, { packageJson: JSON.stringify({ name: 'shop', prettier: './config/prettier.json' }) });
    expect(createFormatSettingsLookup()(join(dir, 'src/x.ts'))).toMatchObject({ printWidth: 95, singleQuote: true, source: `${join(dir, 'package.json')} -> ${join(dir, 'config/prettier.json')}` });
    const missing = project({}, { packageJson: JSON.stringify({ name: 'shop', prettier: '@acme/prettier-config' }) });
    expect(createFormatSettingsLookup()(join(missing, 'src/x.ts'))).toMatchObject({ printWidth: 80, source: join(missing, 'package.json') });
  });

  it('scans a shared config package written as a module for its literal options, without running it', () => {
    const dir = project(
      {
        'node_modules/@acme/prettier/package.json': JSON.stringify({ name: '@acme/prettier', main: 'index.js' }),
        'node_modules/@acme/prettier/index.js': "module.exports = { semi: false, singleQuote: true, printWidth: 100 };\nthrow new Error('evaluated');\n",
      },
      // A node_modules of its own: the repository's is linked by default.
      { packageJson: JSON.stringify({ name: 'shop', prettier: '@acme/prettier' }), nodeModules: false },
    );
    expect(createFormatSettingsLookup()(join(dir, 'src/x.ts'))).toMatchObject({ printWidth: 100, semi: false, singleQuote: true, source: `${join(dir, 'package.json')} -> ${join(dir, 'node_modules/@acme/prettier/index.js')}` });
  });

  it('stops at the repository root (a folder holding .git), takes the nearest config, and keeps what it read per folder', () => {
    const dir = project({ '.prettierrc': '{ "printWidth": 33 }', 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/src/x.ts': '', 'repo/pkg/biome.jsonc': '{ // comment\n "formatter": { "lineWidth": 77, }\n}' });
    const lookup = createFormatSettingsLookup();
    expect(lookup(join(dir, 'repo/src/x.ts'))).toBeUndefined();
    expect(lookup(join(dir, 'repo/pkg/deep/x.ts'))).toMatchObject({ printWidth: 77, useTabs: true, source: join(dir, 'repo/pkg/biome.jsonc') });
    expect(lookup(join(dir, 'x.ts'))).toMatchObject({ printWidth: 33 });
    writeFileSync(join(dir, 'repo/pkg/biome.jsonc'), '{ "formatter": { "lineWidth": 55 } }');
    expect(lookup(join(dir, 'repo/pkg/x.ts'))).toMatchObject({ printWidth: 77 });
    expect(createFormatSettingsLookup()(join(dir, 'repo/pkg/x.ts'))).toMatchObject({ printWidth: 55 });
    expect([...lookup.configFiles].sort()).toEqual([join(dir, '.prettierrc'), join(dir, 'repo/pkg/biome.jsonc')]);
  });

  it('matches EditorConfig and override globs', () => {
    expect(globMatches('*.ts', 'src/a.ts')).toBe(true);
    expect(globMatches('*.{ts,tsx}', 'a.tsx')).toBe(true);
    expect(globMatches('src/*.ts', 'src/a.ts')).toBe(true);
    expect(globMatches('src/*.ts', 'lib/src/a.ts')).toBe(false);
    expect(globMatches('/src/**', 'src/a/b.ts')).toBe(true);
    expect(globMatches('lib/**.js', 'lib/a/b.js')).toBe(true);
    expect(globMatches('[!a]*.ts', 'b.ts')).toBe(true);
    expect(globMatches('[!a]*.ts', 'a.ts')).toBe(false);
    expect(globMatches('file{1..3}.ts', 'file2.ts')).toBe(true);
    expect(globMatches('file{1..3}.ts', 'file4.ts')).toBe(false);
    expect(parseSimpleYaml('printWidth: 90 # wide\nsemi: false\n')).toEqual({ printWidth: 90, semi: false });
  });
});
