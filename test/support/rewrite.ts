import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { runtimeSource } from '../../src/runtime/source.js';
import type { LLMConvention } from '../../src/engine/instrument.js';
import type { Target } from '../../src/targets/types.js';
import { runEngine } from './fixtures.js';

// One folder per Node major: `npm test` runs some files under Node 22 and 24 while the main run goes on.
const TMP = resolve(import.meta.dirname, '../.tmp', `node-${process.versions.node.split('.')[0]}`);

/**
 * Rewrites a program with the engine, writes it into test/.tmp/node-<major>, and imports it: execution tests run exactly
 * what `otelify apply` would leave in a user's tree, importing the runtime package as installed (its built
 * ES modules, through its `exports`). `promptHash` is a setting a vendored runtime has written in: such a
 * program gets its own vendored copy, so the setting stays its own.
 */
export async function importRewritten<T>(
  inputPath: string,
  options: { convention?: LLMConvention; promptHash?: boolean; streamUsage?: boolean; legacyDecorators?: boolean; targets?: { name: string; list: Target[] } } = {},
): Promise<T> {
  const suffix = `${options.convention ? `-${options.convention}` : ''}${options.promptHash ? '-prompt-hash' : ''}${options.streamUsage ? '-stream-usage' : ''}${options.targets ? `-${options.targets.name}` : ''}`;
  const dir = join(TMP, `${basename(dirname(inputPath))}-${basename(inputPath).replace(/\W+/g, '-')}${suffix}`);
  mkdirSync(dir, { recursive: true });
  const output = join(dir, basename(inputPath).replace('.input.', '.'));
  const runtime = options.promptHash ? join(dir, 'otelify.runtime.ts') : undefined;
  const outcome = runEngine(output, readFileSync(inputPath, 'utf8'), runtime, options.convention, options.streamUsage, options.targets?.list);
  if (outcome.output === undefined) throw new Error(`${inputPath}: the engine changed nothing`);
  if (runtime) writeFileSync(runtime, runtimeSource('ts', { promptHash: true }));
  writeFileSync(output, outcome.output);
  if (options.legacyDecorators) {
    // NestJS needs TypeScript's own decorator emit with parameter types (`emitDecoratorMetadata`), which the test
    // runner's transform does not write: the rewritten file is compiled as a NestJS project compiles it.
    const compiled = ts.transpileModule(outcome.output, {
      fileName: output,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true, emitDecoratorMetadata: true },
    });
    const js = output.replace(/\.ts$/, '.mjs');
    writeFileSync(js, compiled.outputText);
    return (await import(pathToFileURL(js).href)) as T;
  }
  return (await import(pathToFileURL(output).href)) as T;
}
