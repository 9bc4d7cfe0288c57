import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `name` in `from` or the closest folder above it that holds one (node_modules, package.json). */
export function nearest(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}
