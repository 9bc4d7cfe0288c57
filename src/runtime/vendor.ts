// Where a vendored runtime goes: one file per package, inside the folder its compiler already treats as the
// source root, so neither `rootDir` nor the emit layout changes; imported through a path alias when one maps
// that folder. One language per package.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ts } from '../engine/typescript.cjs';
import { owningPackageJson } from '../files/package-json.js';
import { flavorFor, packageType, runtimePathFor } from './placement.js';
import type { RuntimeFlavor } from './source.js';

export const RUNTIME_BASENAME = 'otelify.runtime';

export interface VendorPlacement {
  /** The folder of the package.json that owns the files (the config's folder for files no package owns). */
  packageDir: string;
  /** The runtime file's path without its extension. */
  base: string;
  flavor: RuntimeFlavor;
  /** A tsconfig path alias whose folder holds the runtime: `@/*` → `src/*` gives `{ prefix: '@/', dir: <src> }`. */
  alias?: { prefix: string; dir: string };
}

/** The package folder a file belongs to, for grouping files by package. */
export function packageDirOf(file: string, fallback: string): string {
  const pkg = owningPackageJson(file);
  return pkg ? dirname(pkg) : fallback;
}

/**
 * The placement for one package's changed files. An existing runtime file of an earlier run is kept where it
 * is; `runtimeFile` from the config wins over both.
 */
export function vendorPlacement(packageDir: string, files: { path: string; text: string }[], existing: string | undefined, runtimeFile: string | undefined): VendorPlacement {
  const flavor = existing ? flavorOfRuntime(existing) : languageOf(files);
  const base = runtimeFile ?? (existing ? existing.slice(0, existing.lastIndexOf('.')) : join(sourceRoot(packageDir, files.map((f) => f.path)), RUNTIME_BASENAME));
  const alias = flavor === 'ts' ? aliasFor(dirname(base), packageDir) : undefined;
  return { packageDir, base, flavor, ...(alias ? { alias } : {}) };
}

/** How `file` imports the placed runtime: through the alias when there is one, else relatively. */
export function vendoredSpecifier(file: string, text: string, placement: VendorPlacement): string {
  const path = runtimePathFor(placement.base, placement.flavor);
  if (!placement.alias) return relativeSpecifier(file, text, path);
  const inAlias = relative(placement.alias.dir, path).split(sep).join('/').replace(/\.ts$/, '');
  return `${placement.alias.prefix}${inAlias}${writesJsSuffix(text) ? '.js' : ''}`;
}

/**
 * A relative import of the runtime at `runtimePath`. TypeScript files keep the project's habit: `.js` suffix
 * when the package is ESM or the file already writes one on relative imports, none otherwise.
 */
export function relativeSpecifier(file: string, text: string, runtimePath: string): string {
  let path = relative(dirname(file), runtimePath).split(sep).join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  if (!path.endsWith('.ts')) return path;
  const withoutExt = path.slice(0, -3);
  const writesBare = /from\s+['"]\.\.?\/[^'"]+(?<!\.\w+)['"]/.test(text);
  if (writesJsSuffix(text) || (!writesBare && packageType(dirname(file)) === 'module')) return `${withoutExt}.js`;
  return withoutExt;
}

function writesJsSuffix(text: string): boolean {
  return /from\s+['"](?:\.\.?|@|~|#)[^'"]*\/[^'"]+\.js['"]/.test(text);
}

/** TypeScript when any of the package's changed files is; else ESM, or CommonJS when any file is CommonJS. */
function languageOf(files: { path: string; text: string }[]): RuntimeFlavor {
  const flavors = new Set(files.map((f) => flavorFor(f.path, f.text)));
  if (flavors.has('ts')) return 'ts';
  return flavors.has('cjs') ? 'cjs' : 'esm';
}

function flavorOfRuntime(path: string): RuntimeFlavor {
  return path.endsWith('.cjs') ? 'cjs' : path.endsWith('.mjs') ? 'esm' : 'ts';
}

/**
 * The folder the package's compiler treats as its source root: `rootDir` when it lies inside the package,
 * else the common folder of the files its tsconfig (or the projects that one references) includes, else of
 * the changed files (else `src`). Any of these keeps `tsc`'s computed root, and so its emit layout, as it was.
 */
export function sourceRoot(packageDir: string, changed: string[]): string {
  const inside = (path: string) => path === packageDir || path.startsWith(packageDir + sep);
  const config = ts.findConfigFile(packageDir, ts.sys.fileExists, 'tsconfig.json');
  const parsed = config ? parseConfig(config) : undefined;
  const rootDir = parsed?.options.rootDir && resolve(parsed.options.rootDir);
  if (rootDir && inside(rootDir)) return rootDir;
  const included = [parsed, ...(parsed?.projectReferences ?? []).map((ref) => parseConfig(ts.resolveProjectReferencePath(ref)))]
    .flatMap((p) => p?.fileNames ?? [])
    .map((f) => resolve(f))
    .filter((f) => inside(f) && !/\.d\.[cm]?ts$/.test(f));
  const src = join(packageDir, 'src');
  const root = included.length > 0 ? commonDirectory(included) : changed.length > 0 ? commonDirectory(changed.map((f) => resolve(f))) : existsSync(src) ? src : packageDir;
  return inside(root) ? root : packageDir;
}

function parseConfig(path: string): ts.ParsedCommandLine | undefined {
  if (!existsSync(path)) return undefined;
  return ts.getParsedCommandLineOfConfigFile(path, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} }) ?? undefined;
}

/** A `paths` entry `prefix/*` → [`folder/*`] whose folder holds `dir`, from the tsconfig that governs it. */
function aliasFor(dir: string, packageDir: string): { prefix: string; dir: string } | undefined {
  const config = ts.findConfigFile(packageDir, ts.sys.fileExists, 'tsconfig.json');
  const parsed = config ? parseConfig(config) : undefined;
  const paths = parsed?.options.paths;
  if (!config || !paths) return undefined;
  const base = parsed.options.baseUrl ?? (parsed.options as { pathsBasePath?: string }).pathsBasePath ?? dirname(config);
  let best: { prefix: string; dir: string } | undefined;
  for (const [key, [first] = []] of Object.entries(paths)) {
    if (!key.endsWith('/*') || !first?.endsWith('/*')) continue;
    const target = resolve(base, first.slice(0, -2));
    if (dir !== target && !dir.startsWith(target + sep)) continue;
    // The alias closest to the folder reads best (`@/lib/...` over `@/src/lib/...`).
    if (!best || target.length > best.dir.length) best = { prefix: key.slice(0, -1), dir: target };
  }
  return best;
}

export function commonDirectory(files: string[]): string {
  const parts = files.map((f) => dirname(f).split(sep));
  const first = parts[0] ?? [];
  let length = first.length;
  for (const p of parts) {
    let i = 0;
    while (i < length && p[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(sep) || sep;
}
