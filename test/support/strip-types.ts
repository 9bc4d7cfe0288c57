import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { transform } from 'esbuild';

/** Rollup has no TypeScript of its own: this resolves and strips it after otelify ran (test builds only). */
export default function stripTypes() {
  return {
    name: 'strip-types',
    // TypeScript sources import each other as `./x.js`.
    resolveId(source: string, importer?: string) {
      if (!importer || !source.startsWith('.') || !source.endsWith('.js')) return null;
      const candidates = ['.ts', '.tsx'].map((extension) => resolve(dirname(importer), source.replace(/\.js$/, extension)));
      return candidates.find((candidate) => existsSync(candidate)) ?? null;
    },
    async transform(code: string, id: string) {
      if (!/\.tsx?$/.test(id)) return null;
      const result = await transform(code, { loader: id.endsWith('.tsx') ? 'tsx' : 'ts', sourcemap: true, sourcefile: id, format: 'esm' });
      return { code: result.code, map: result.map };
    },
  };
}
