// The jscodeshift transforms' work on one file, through the same setup as `otelify apply`. With the runtime
// package, the package.json that owns the file gains the dependencies; vendored, the runtime goes into the
// package's source root (or the config's `runtimeFile`), holding the parts its files use.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { targetGroup } from './config.js';
import { addDependencies } from './files/package-json.js';
import { writeAtomically } from './files/write.js';
import { transformSource } from './index.js';
import { runtimeDependencies } from './runtime/package.js';
import { runtimePathFor } from './runtime/placement.js';
import { llmParts, partsIn, runtimeSource, type RuntimePart } from './runtime/source.js';
import { packageDirOf, RUNTIME_BASENAME, vendorPlacement } from './runtime/vendor.js';
import { createSetup } from './setup.js';

export interface TransformFileOptions {
  only?: string;
  dry?: boolean;
  convention?: 'llm' | 'genai' | 'both';
  runtime?: 'package' | 'vendor';
}

/** The file's new text, or undefined when nothing changes. */
export function transformFile(group: 'queues' | 'llm', filePath: string, source: string, options: TransformFileOptions): string | undefined {
  const path = resolve(filePath);
  // jscodeshift walks into node_modules unless told not to; dependencies are never ours to rewrite.
  if (/[\\/]node_modules[\\/]/.test(path)) return undefined;
  const setup = createSetup({ from: dirname(path), convention: options.convention, runtime: options.runtime, only: options.only ? String(options.only).split(',') : undefined });
  const targets = setup.targets.filter((target) => targetGroup(target) === group);
  const packageDir = packageDirOf(path, setup.loaded.root);
  const runtimeFile = setup.config.runtimeFile ? resolve(setup.loaded.root, setup.config.runtimeFile.replace(/\.[cm]?[jt]s$/, '')) : undefined;
  const existing = ['.ts', '.mjs', '.cjs'].map((ext) => join(packageDir, 'src', RUNTIME_BASENAME + ext)).find((p) => existsSync(p));
  const placement = setup.runtime === 'vendor' ? vendorPlacement(packageDir, [{ path, text: source }], existing, runtimeFile) : undefined;
  const result = transformSource(source, path, { ...setup, targets, ...(placement ? { runtimeBase: placement.base } : {}) });
  if (!result || options.dry) return result?.code;
  if (placement) {
    const runtimePath = runtimePathFor(placement.base, placement.flavor);
    const before = existsSync(runtimePath) ? readFileSync(runtimePath, 'utf8') : '';
    const used = result.sites.filter((s) => s.action !== 'skipped').flatMap((s): RuntimePart[] => (s.role === 'llm' ? llmParts(s.library) : ['queues']));
    const text = runtimeSource(placement.flavor, { ...setup.config, parts: [...new Set([...used, ...partsIn(before)])] });
    if (before !== text) writeAtomically(runtimePath, text);
  }
  const packageJson = join(packageDir, 'package.json');
  if (existsSync(packageJson)) {
    const before = readFileSync(packageJson, 'utf8');
    const edit = addDependencies(before, runtimeDependencies(!!placement));
    if (edit.text !== before) writeAtomically(packageJson, edit.text);
  }
  return result.code;
}
