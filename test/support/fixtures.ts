import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compilerOptionsFor } from '../../src/engine/program.js';
import { instrumentSources, type FileOutcome, type LLMConvention } from '../../src/engine/instrument.js';
import { builtinTargets, type Target } from '../../src/targets/index.js';
import { flavorFor, runtimePathFor } from '../../src/runtime/placement.js';
import { relativeSpecifier } from '../../src/runtime/vendor.js';
import { engineOptions } from '../../src/setup.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
/** Where a vendored runtime goes for fixtures rewritten with one; the type-check test writes it. */
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

/**
 * The engine's rewrite of one file, as `otelify apply` makes it: importing the runtime package, or, given
 * `vendoredRuntime`, the runtime vendored at that path (each file imports the flavour it can load).
 */
export function runEngine(path: string, text = readFileSync(path, 'utf8'), vendoredRuntime?: string, convention?: LLMConvention, streamUsage?: boolean, targets: Target[] = builtinTargets): FileOutcome {
  const vendored = vendoredRuntime?.replace(/\.ts$/, '');
  const [outcome] = instrumentSources(
    [{ path, text }],
    engineOptions(
      { targets, convention, streamUsage },
      compilerOptionsFor(FIXTURES),
      vendored ? { runtimeSpecifier: (file) => relativeSpecifier(file, text, runtimePathFor(vendored, flavorFor(file, text))) } : {},
    ),
  );
  if (!outcome) throw new Error(`no outcome for ${path}`);
  return outcome;
}
