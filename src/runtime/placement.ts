import { readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { nearest } from '../files/nearest.js';
import { runtimeExtension, type RuntimeFlavor } from './source.js';

/** Which flavor of the runtime a file can import: TypeScript, or JavaScript as ESM or CommonJS. */
export function flavorFor(file: string, text: string): RuntimeFlavor {
  if (/\.[cm]?tsx?$/.test(file)) return 'ts';
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'cjs';
  if (/^\s*(import|export)\s/m.test(text)) return 'esm';
  if (/\brequire\s*\(/.test(text)) return 'cjs';
  return packageType(dirname(file)) === 'module' ? 'esm' : 'cjs';
}

/** The runtime file for a flavor, given the base path without extension (e.g. `src/otelify.runtime`). */
export function runtimePathFor(base: string, flavor: RuntimeFlavor): string {
  return base + runtimeExtension(flavor);
}

/**
 * How `file` imports the runtime at `runtimePath`. TypeScript files keep the project's habit: `.js` suffix
 * when the package is ESM or the file already writes one on relative imports, none otherwise.
 */
export function runtimeSpecifier(file: string, text: string, runtimePath: string): string {
  let path = relative(dirname(file), runtimePath).split(sep).join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  if (!path.endsWith('.ts')) return path;
  const withoutExt = path.slice(0, -3);
  const writesJs = /from\s+['"]\.\.?\/[^'"]+\.js['"]/.test(text);
  const writesBare = /from\s+['"]\.\.?\/[^'"]+(?<!\.\w+)['"]/.test(text);
  if (writesJs || (!writesBare && packageType(dirname(file)) === 'module')) return `${withoutExt}.js`;
  return withoutExt;
}

function packageType(dir: string): string | undefined {
  const pkg = nearest(dir, 'package.json');
  if (!pkg) return undefined;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type;
  } catch {
    return undefined;
  }
}
