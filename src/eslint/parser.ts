// The parser `otelify.configs.recommended` sets for TypeScript files, so the check lints them out of the box.
// otelify's rules read the file's text with their own TypeScript program; ESLint still needs an AST. Where
// the project has typescript-eslint's parser, that parser is used (with the project's parserOptions, so
// other rules and typed linting keep working); without it, TypeScript files get an empty program.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Linter } from 'eslint';

const require = createRequire(import.meta.url);

interface ESLintParser {
  parseForESLint?(code: string, options?: unknown): { ast: unknown };
  parse?(code: string, options?: unknown): unknown;
}

const loaded = new Map<string, ESLintParser | null>();

function load(name: string, from: string[]): ESLintParser | undefined {
  const key = `${name}\0${from.join('\0')}`;
  if (!loaded.has(key)) {
    try {
      loaded.set(key, require(require.resolve(name, { paths: from })) as ESLintParser);
    } catch {
      loaded.set(key, null);
    }
  }
  return loaded.get(key) ?? undefined;
}

/** A program with no statements but the file's full range, which ESLint accepts and otelify's rules need. */
function emptyProgram(code: string) {
  const lines = code.split(/\r\n|\r|\n/);
  const end = { line: lines.length, column: lines[lines.length - 1]!.length };
  return { type: 'Program', body: [], sourceType: 'module', range: [0, code.length], loc: { start: { line: 1, column: 0 }, end }, tokens: [], comments: [] };
}

export const parser = {
  meta: { name: 'otelify/typescript-text' },
  parseForESLint(code: string, options?: { filePath?: string }): { ast: unknown } {
    const from = [process.cwd(), ...(options?.filePath ? [dirname(options.filePath)] : [])];
    const typescriptESLint = load('@typescript-eslint/parser', from);
    if (typescriptESLint?.parseForESLint) return typescriptESLint.parseForESLint(code, options);
    return { ast: emptyProgram(code) };
  },
} as unknown as Linter.Parser;
