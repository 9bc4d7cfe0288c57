// The README's ESLint snippet, verbatim, in a fresh project: every JavaScript and TypeScript extension is
// linted out of the box, with typescript-eslint's parser installed and without it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### ESLint plugin'));
const snippet = /```js\n([\s\S]*?)```/.exec(section)![1]!;

const EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];
const typed = (ext: string) => ['ts', 'tsx', 'mts', 'cts'].includes(ext);
function leaky(ext: string): string {
  const user = typed(ext) ? 'user: { email: string }' : 'user';
  const load = ext === 'cjs' ? "const { trace } = require('@opentelemetry/api');" : "import { trace } from '@opentelemetry/api';";
  const exported = ext === 'cjs' ? 'module.exports.signup = signup;' : '';
  return `${load}\n\n${ext === 'cjs' ? '' : 'export '}function signup(${user}) {\n  trace.getActiveSpan()?.setAttribute('user.email', user.email);\n}\n${exported}`;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A project holding only what it needs: eslint, otelify and the API, and optionally typescript-eslint's parser. */
function project(withTypeScriptESLint: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelify-eslint-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'node_modules/@opentelemetry'), { recursive: true });
  for (const name of ['eslint', 'otelify', '@opentelemetry/api', ...(withTypeScriptESLint ? ['@typescript-eslint/parser'] : [])]) {
    mkdirSync(join(dir, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh', type: 'module' }));
  writeFileSync(join(dir, 'eslint.config.js'), snippet);
  mkdirSync(join(dir, 'src'));
  for (const ext of EXTENSIONS) writeFileSync(join(dir, `src/signup-${ext}.${ext}`), leaky(ext));
  return dir;
}

for (const withTypeScriptESLint of [false, true]) {
  it(`lints all eight extensions with the README's config ${withTypeScriptESLint ? 'with' : 'without'} typescript-eslint's parser installed`, () => {
    const dir = project(withTypeScriptESLint);
    const run = spawnSync(process.execPath, [join(dir, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', 'src'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string | null; line: number; message: string }[] }[];
    const byFile = Object.fromEntries(results.map((r) => [r.filePath.split('/').pop(), r.messages.map((m) => `${m.ruleId}:${m.line}`)]));
    expect(byFile).toEqual(Object.fromEntries(EXTENSIONS.map((ext) => [`signup-${ext}.${ext}`, ['otelify/no-pii-attributes:4']])));
    expect(run.status).toBe(1);
  }, 60_000);
}
