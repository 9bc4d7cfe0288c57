import { transform } from 'esbuild';

/** Rollup has no TypeScript of its own: this strips types after otelify ran (test builds only). */
export default function stripTypes() {
  return {
    name: 'strip-types',
    async transform(code: string, id: string) {
      if (!id.endsWith('.ts')) return null;
      const result = await transform(code, { loader: 'ts', sourcemap: true, sourcefile: id, format: 'esm' });
      return { code: result.code, map: result.map };
    },
  };
}
