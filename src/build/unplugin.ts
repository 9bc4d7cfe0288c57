import { createUnplugin, type UnpluginFactory } from 'unplugin';
import { loadConfig, targetsFor } from '../config.js';
import { createPrefilter } from '../engine/prefilter.js';
import { transformSource } from '../index.js';

export interface OtelifyPluginOptions {
  /** Libraries or target ids to apply (default: all, less the config's `disable`). */
  only?: string[];
  /** Config file (default: otelify.config.* or package.json "otelify", found from the working directory). */
  config?: string;
  /** Extra path patterns never transformed (node_modules never is). */
  exclude?: RegExp[];
}

const SOURCE = /\.[cm]?[jt]sx?$/;

/**
 * The build-step front door: the same engine as `otelify apply`, run on each module as the bundler loads it,
 * before TypeScript is stripped. Rewritten code imports its helper from `otelify/runtime`; the source on disk
 * is never changed.
 */
export const unpluginFactory: UnpluginFactory<OtelifyPluginOptions | undefined> = (options = {}) => {
  const { config } = loadConfig(process.cwd(), options.config);
  const targets = targetsFor(config, options.only);
  const prefilter = createPrefilter(targets);
  return {
    name: 'otelify',
    // Before the bundler's own TypeScript handling (Vite's esbuild step would strip the types we match on).
    enforce: 'pre',
    transformInclude(id) {
      const path = id.split('?')[0]!;
      return SOURCE.test(path) && !/[\\/]node_modules[\\/]/.test(path) && !(options.exclude ?? []).some((r) => r.test(path));
    },
    transform(code, id) {
      if (!prefilter(code)) return null;
      const result = transformSource(code, id.split('?')[0]!, { targets });
      return result ? { code: result.code, map: result.map } : null;
    },
  };
};

export const unplugin = createUnplugin(unpluginFactory);
