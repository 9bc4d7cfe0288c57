import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compilerOptionsFor } from '../../src/engine/program.js';
import { instrumentSources, type FileOutcome, type LLMConvention } from '../../src/engine/instrument.js';
import { builtinTargets } from '../../src/targets/index.js';
import { flavorFor, runtimePathFor, runtimeSpecifier } from '../../src/runtime/placement.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
/** Outputs import the runtime from here; the type-check test writes it. */
export const FIXTURE_RUNTIME = join(FIXTURES, 'otelify.runtime.ts');

export interface FixtureCase {
  name: string;
  input: string;
  /** Expected output; undefined for `no-transform-*` cases. */
  output?: string;
}

const INPUT = /^(.*)\.input\.([cm]?[jt]sx?)$/;

/** Every `fixtures/<target>/<case>.input.<ext>` with its `.output.<ext>`. */
export function fixtureCases(): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(join(FIXTURES, dir.name)).sort()) {
      const match = INPUT.exec(file);
      if (!match) continue;
      const input = join(FIXTURES, dir.name, file);
      const output = join(FIXTURES, dir.name, `${match[1]}.output.${match[2]}`);
      cases.push({ name: `${dir.name}/${match[1]}`, input, output: existsSync(output) ? output : undefined });
    }
  }
  return cases;
}

export function runEngine(
  path: string,
  text = readFileSync(path, 'utf8'),
  runtimePath = FIXTURE_RUNTIME,
  convention?: LLMConvention,
  streamUsage?: boolean,
): FileOutcome {
  const [outcome] = instrumentSources([{ path, text }], {
    targets: builtinTargets,
    // Each file imports the runtime flavour it can load (TypeScript, ES module or CommonJS).
    runtimeSpecifier: (file) => runtimeSpecifier(file, text, runtimePathFor(runtimePath.replace(/\.ts$/, ''), flavorFor(file, text))),
    compilerOptions: compilerOptionsFor(FIXTURES),
    convention,
    streamUsage,
  });
  if (!outcome) throw new Error(`no outcome for ${path}`);
  return outcome;
}
