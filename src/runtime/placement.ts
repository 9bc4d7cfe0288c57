import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

/** The `type` of the package.json nearest to `dir`. */
export function packageType(dir: string): string | undefined {
  const pkg = nearest(dir, 'package.json');
  if (!pkg) return undefined;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type;
  } catch {
    return undefined;
  }
}
