// tsc through ts-patch: a program transformer that compiles the instrumented source, so `tspc` emits the
// same code as `otelify apply` while the files on disk stay as they are. TypeScript 5.x and 6.x only: the
// native TypeScript 7 compiler has no transformer API (use a bundler plugin or `otelify/register`).
//
//   "compilerOptions": { "plugins": [{ "transform": "otelify/tsc", "transformProgram": true }] }
import { resolve } from 'node:path';
import type * as TS from 'typescript';
import { instrumentSources } from '../engine/instrument.js';
import { analysisOptions } from '../engine/program.js';
import { createSetup, engineOptions } from '../setup.js';

const SOURCE = /\.[cm]?[jt]sx?$/;

export default function otelifyProgram(program: TS.Program, host: TS.CompilerHost | undefined, _config: unknown, extras: { ts: typeof TS }): TS.Program {
  const { ts } = extras;
  const options = program.getCompilerOptions();
  const setup = createSetup({ from: process.cwd() });
  // Every source file the program compiles, roots or imported, but not declarations or dependencies.
  const sources = program
    .getSourceFiles()
    .filter((file) => SOURCE.test(file.fileName) && !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file))
    .map((file) => ({ path: file.fileName, text: file.text }))
    .filter((source) => setup.prefilter(source.text));
  // Analysis uses otelify's own TypeScript; the user's compiler then compiles the result. No source map links
  // the rewritten text to the file, so every line keeps its number.
  const outcomes = instrumentSources(sources, engineOptions(setup, analysisOptions(options as never), { keepLineNumbers: true }));
  const rewritten = new Map<string, string>();
  for (const outcome of outcomes) if (outcome.output !== undefined) rewritten.set(resolve(outcome.path), outcome.output);
  if (rewritten.size === 0) return program;
  const base = host ?? ts.createCompilerHost(options);
  const instrumented: TS.CompilerHost = Object.create(base);
  instrumented.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = rewritten.get(resolve(fileName));
    return text !== undefined ? ts.createSourceFile(fileName, text, languageVersion, true) : base.getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  instrumented.readFile = (fileName) => rewritten.get(resolve(fileName)) ?? base.readFile(fileName);
  return ts.createProgram(program.getRootFileNames(), options, instrumented, program);
}
