// The runtime compiles under the settings users type-check with: a vendored copy (`otelify.runtime.ts`, one
// file written into the user's tree) and a module importing `@otelify/runtime` and every adapter, whose
// declarations are checked too (`skipLibCheck: false`). Each case is a small project under
// test/.tmp/strict-<case>/, checked by TypeScript 6 and by TypeScript 7 (the native compiler, no JS API).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { runtimeSource } from '../src/runtime/source.js';

const ROOT = join(import.meta.dirname, '..');
const TMP = join(ROOT, 'test/.tmp');
const PACKAGE = join(ROOT, 'packages/runtime');
const TSC = { 6: join(ROOT, 'node_modules/typescript/bin/tsc'), 7: join(ROOT, 'node_modules/typescript7/bin/tsc') } as const;
type Compiler = keyof typeof TSC;

/** The adapters: every subpath the package exports besides its root (`./openai` is `@otelify/runtime/openai`). */
const ADAPTERS = Object.keys((JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports)
  .filter((subpath) => subpath !== '.' && subpath !== './package.json')
  .map((subpath) => subpath.slice('./'.length));

/** Every strictness flag a user may turn on. */
const STRICTEST = {
  strict: true,
  noPropertyAccessFromIndexSignature: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
};
/** What transpile-per-file tools (esbuild, swc, Node's type stripping) ask of the code. */
const ERASABLE = { verbatimModuleSyntax: true, isolatedModules: true, erasableSyntaxOnly: true };

interface Case {
  name: string;
  /** The user's package.json `type`: decides whether `module: nodenext` files are ES modules or CommonJS. */
  type: 'module' | 'commonjs';
  options: Record<string, unknown>;
  /** The package's declarations the settings must resolve to (its `import` or `require` condition). */
  flavor: 'esm' | 'cjs';
  /** TypeScript 7 refuses the settings: the error it must give instead of checking. */
  rejectedBy7?: RegExp;
}

const NODENEXT = { module: 'nodenext', moduleResolution: 'nodenext' };
const BUNDLER = { module: 'esnext', moduleResolution: 'bundler' };

const CASES: Case[] = [
  { name: 'nodenext-esm', type: 'module', flavor: 'esm', options: { ...NODENEXT, ...STRICTEST } },
  { name: 'nodenext-esm-erasable', type: 'module', flavor: 'esm', options: { ...NODENEXT, ...STRICTEST, ...ERASABLE } },
  { name: 'loose', type: 'module', flavor: 'esm', options: { ...NODENEXT, strict: false, noImplicitAny: true } },
  // No "type": "module": the files are CommonJS, so the package's `require` condition and CJS declarations apply.
  { name: 'nodenext-cjs', type: 'commonjs', flavor: 'cjs', options: { ...NODENEXT, ...STRICTEST } },
  // Bundler projects (Vite's templates) also turn on the per-file transpilation flags.
  { name: 'bundler', type: 'module', flavor: 'esm', options: { ...BUNDLER, ...STRICTEST, ...ERASABLE } },
  { name: 'preserve', type: 'module', flavor: 'esm', options: { module: 'preserve', moduleResolution: 'bundler', ...STRICTEST, ...ERASABLE } },
  // Old projects: no `exports` support, the adapters' subpaths resolve through the package's typesVersions.
  // TypeScript 6 needs `ignoreDeprecations` for node10; TypeScript 7 has removed it and refuses the project
  // (TS5108) whatever `ignoreDeprecations` says, so on 7 the case asserts that refusal instead of checking.
  {
    name: 'node10-cjs',
    type: 'commonjs',
    flavor: 'cjs',
    options: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', ...STRICTEST },
    rejectedBy7: /error TS5108: Option 'moduleResolution=node10' has been removed/,
  },
];

/** What every case shares: no DOM, no emit; `@opentelemetry/api`'s declarations need `console`, from @types/node. */
const BASE = { target: 'ES2022', lib: ['ES2022'], types: ['node'], skipLibCheck: false, noEmit: true };

/** The vendored runtime as a project's config makes it: every part, with a tracer name, prices and prompt hashing. */
const VENDORED = runtimeSource('ts', { tracerName: 'checkout', prices: { 'my-model*': { input: 1, output: 2, cacheRead: 0.5 } }, promptHash: true });

/** A user's module calling the vendored runtime, as rewritten code and hand-written set-up do. */
const VENDORED_USER = `import * as otelify from './otelify.runtime.js';

const order: otelify.SendSpec = { system: 'kafka', operation: 'send', destination: 'orders' };
export const sent: Promise<number> = otelify.traceSend(order, async () => 1);
const chat: otelify.LLMSpec = { provider: 'openai', operation: 'chat', api: 'openai.chat', model: 'gpt-4o' };
export const answer: string = otelify.traceLLM(chat, () => 'hello');
export const request = otelify.llmRequest({ model: 'gpt-4o', messages: [] as string[] });
export const handle = otelify.traceProcess({ system: 'kafka', headers: 'headers' }, async (message: { headers: Record<string, string> }) => message.headers);
export const record = otelify.inject({ headers: {} as Record<string, string> }, 'headers');
const prices: otelify.PriceTable = { 'other-model': { input: 1, output: 4 } };
otelify.setLLMPrices(prices);
`;

/** A user's module importing the package and every adapter subpath. */
const PACKAGE_USER = `import * as otelify from '@otelify/runtime';
${ADAPTERS.map((library) => `import '@otelify/runtime/${library}';`).join('\n')}

const settings: otelify.RuntimeSettings = { tracerName: 'x', promptHash: true };
otelify.configure(settings);
otelify.configure({ tracerName: 'x' });
const order: otelify.SendSpec = { system: 'kafka', operation: 'send', destination: 'orders' };
export const sent: Promise<number> = otelify.traceSend(order, async () => 1);
const chat: otelify.LLMSpec = { provider: 'openai', operation: 'chat', api: 'openai.chat', model: 'gpt-4o', convention: 'both' };
export const answer: string = otelify.traceLLM(chat, () => 'hello');
export const handle = otelify.traceBatch(
  { system: 'kafka', headers: 'headers', messages: 'batch.messages' },
  async (payload: { batch: { messages: { headers: Record<string, string> }[] } }) => payload.batch.messages.length,
);
const price: otelify.ModelPrice = { input: 1, output: 2 };
otelify.setLLMPrices({ 'my-model': price });
`;

interface Result {
  code: number | null;
  /** Diagnostics, one line each (and their continuation lines). */
  errors: string[];
  /** The files the program loaded (`--listFiles`). */
  files: string[];
}

function writeProject(name: string, testCase: Pick<Case, 'type' | 'options'>, vendored = VENDORED): string {
  const dir = join(TMP, `strict-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The repository's node_modules: `@otelify/runtime` (the workspace package), `@opentelemetry/api`, @types/node.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
  const packageJson = { name: `strict-${name}`, private: true, ...(testCase.type === 'module' ? { type: 'module' } : {}) };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  const files = ['otelify.runtime.ts', 'vendored-user.ts', 'package-user.ts'];
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions: { ...BASE, ...testCase.options }, files }, null, 2)}\n`);
  writeFileSync(join(dir, 'otelify.runtime.ts'), vendored);
  writeFileSync(join(dir, 'vendored-user.ts'), VENDORED_USER);
  writeFileSync(join(dir, 'package-user.ts'), PACKAGE_USER);
  return dir;
}

function tsc(compiler: Compiler, dir: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSC[compiler], '-p', 'tsconfig.json', '--pretty', 'false', '--listFiles'], { cwd: dir });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = output.split(/\r?\n/).filter((line) => line.trim() !== '');
      const isFile = (line: string) => isAbsolute(line) && !/ error TS\d+:/.test(line);
      resolve({ code, errors: lines.filter((line) => !isFile(line)), files: lines.filter(isFile) });
    });
  });
}

/** Runs at most `concurrency` tasks at a time (two cores: two compilers at once). */
function limiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < concurrency) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

const results = new Map<string, Promise<Result>>();
const key = (name: string, compiler: Compiler) => `${name}@${compiler}`;
const report = (result: Result) => `exit code ${result.code}\n${result.errors.join('\n')}`;

/** A class with a parameter property: TypeScript-only syntax that `erasableSyntaxOnly` must reject. */
const PROBE = '\nexport class OtelifyProbe {\n  constructor(private readonly value: number) {}\n  read(): number {\n    return this.value;\n  }\n}\n';

beforeAll(() => {
  if (!existsSync(join(PACKAGE, 'dist/esm/index.d.ts')) || !existsSync(join(PACKAGE, 'dist/cjs/index.d.ts'))) {
    execFileSync(process.execPath, [join(PACKAGE, 'build.mjs')], { cwd: PACKAGE, stdio: 'inherit' });
  }
  const run = limiter(2);
  for (const testCase of CASES) {
    const dir = writeProject(testCase.name, testCase);
    for (const compiler of [6, 7] as const) results.set(key(testCase.name, compiler), run(() => tsc(compiler, dir)));
  }
  // The harness itself: the same settings as a case, with an obvious violation in the vendored file.
  const canary = writeProject('canary', CASES[1]!, VENDORED + PROBE);
  for (const compiler of [6, 7] as const) results.set(key('canary', compiler), run(() => tsc(compiler, canary)));
}, 120_000);

describe.each(CASES)('$name', (testCase) => {
  const runtime = realpathSync(PACKAGE);
  const declarations = (flavor: string) => [
    join(runtime, `dist/${flavor}/index.d.ts`),
    ...ADAPTERS.map((library) => join(runtime, `dist/${flavor}/adapters/${library}.d.ts`)),
  ];

  for (const compiler of [6, 7] as const) {
    it(`type-checks the vendored runtime and the package's declarations with TypeScript ${compiler}`, { timeout: 90_000 }, async () => {
      const result = await results.get(key(testCase.name, compiler))!;
      if (compiler === 7 && testCase.rejectedBy7) {
        // TypeScript 7 does not check this project at all: it must say the setting is gone, and say nothing else.
        expect(result.code, report(result)).not.toBe(0);
        expect(result.errors.join('\n')).toMatch(testCase.rejectedBy7);
        expect(result.errors.filter((line) => / error TS\d+:/.test(line) && !/ error TS510\d:/.test(line)), report(result)).toEqual([]);
        return;
      }
      expect(result.errors, `tsc ${compiler} in test/.tmp/strict-${testCase.name}: ${report(result)}`).toEqual([]);
      expect(result.code).toBe(0);
      // The project checked what it should: its three files, and the package's declarations for its settings.
      const dir = realpathSync(join(TMP, `strict-${testCase.name}`));
      for (const file of ['otelify.runtime.ts', 'vendored-user.ts', 'package-user.ts']) expect(result.files).toContain(join(dir, file));
      for (const file of declarations(testCase.flavor)) expect(result.files).toContain(file);
      const other = testCase.flavor === 'esm' ? 'cjs' : 'esm';
      expect(result.files.filter((file) => file.startsWith(join(runtime, `dist/${other}/`)))).toEqual([]);
    });
  }
});

describe('the harness', () => {
  for (const compiler of [6, 7] as const) {
    it(`reports a violation of the users' settings in the vendored file with TypeScript ${compiler}`, { timeout: 90_000 }, async () => {
      const result = await results.get(key('canary', compiler))!;
      expect(result.code).not.toBe(0);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatch(/otelify\.runtime\.ts\(\d+,\d+\): error TS1294: This syntax is not allowed when 'erasableSyntaxOnly' is enabled\./);
    });
  }
});

it('the vendored runtime declares each name once', () => {
  const file = ts.createSourceFile('otelify.runtime.ts', runtimeSource('ts'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  const bindingNames = (name: ts.BindingName): string[] =>
    ts.isIdentifier(name) ? [name.text] : name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const bindings = statement.importClause?.namedBindings;
      if (statement.importClause?.name) names.push(statement.importClause.name.text);
      if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((element) => element.name.text));
      if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
    } else if (ts.isFunctionDeclaration(statement)) {
      // Overload signatures have no body; the implementation is the declaration.
      if (statement.name && statement.body) names.push(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      names.push(...statement.declarationList.declarations.flatMap((declaration) => bindingNames(declaration.name)));
    } else if (
      ts.isClassDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isModuleDeclaration(statement)
    ) {
      if (statement.name && ts.isIdentifier(statement.name)) names.push(statement.name.text);
    }
  }
  expect(names.length).toBeGreaterThan(50);
  expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  // Every part is in the file: the queue and LLM cores and each adapter.
  expect(names).toContain('traceSend');
  expect(names).toContain('traceLLM');
  for (const library of ADAPTERS) expect(file.text).toContain(`// otelify runtime part: llm:${library}\n`);
});
