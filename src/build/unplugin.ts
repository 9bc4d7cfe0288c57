import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import type { SourceMap } from 'magic-string';
import { createUnplugin, type UnpluginFactory } from 'unplugin';
import { loadConfig, targetsFor } from '../config.js';
import { instrumentSources, type LLMConvention } from '../engine/instrument.js';
import { createPrefilter } from '../engine/prefilter.js';
import { compilerOptionsFor } from '../engine/program.js';
import { findSourceFiles } from '../files/walk.js';
import { transformSource } from '../index.js';

export interface OtelifyPluginOptions {
  /** Libraries or target ids to apply (default: all, less the config's `disable`). */
  only?: string[];
  /** Config file (default: otelify.config.* or package.json "otelify", found from the working directory). */
  config?: string;
  /** Only paths matching one of these are transformed (default: every TypeScript and JavaScript module). */
  include?: RegExp[];
  /** Extra path patterns never transformed, on top of the config's `exclude` globs (node_modules never is). */
  exclude?: RegExp[];
  /** The project folder analysed up front in one TypeScript program (default: the working directory). */
  root?: string;
  /** Attribute names of LLM spans (default: the config's `convention`, else `llm`). */
  convention?: LLMConvention;
}

interface Analysed {
  /** The text the analysis saw: a module whose text differs is analysed again. */
  text: string;
  code?: string;
  map?: SourceMap;
}

const SOURCE = /\.[cm]?[jt]sx?$/;

/**
 * The build-step front door: the same engine as `otelify apply`, run on each module as the bundler loads it,
 * before TypeScript is stripped. Rewritten code imports its helper from `otelify/runtime`; the source on disk
 * is never changed.
 */
export const unpluginFactory: UnpluginFactory<OtelifyPluginOptions | undefined> = (options = {}) => {
  const loaded = loadConfig(process.cwd(), options.config);
  const { config } = loaded;
  const targets = targetsFor(config, options.only);
  const convention = options.convention ?? config.convention;
  const excludedByConfig = ignore().add(config.exclude ?? []);
  const isExcluded = (path: string) => {
    const fromRoot = relative(loaded.root, path);
    return !fromRoot.startsWith('..') && !isAbsolute(fromRoot) && fromRoot !== '' && excludedByConfig.ignores(fromRoot.split(sep).join('/'));
  };
  const prefilter = createPrefilter(targets);
  // Analysing every candidate of the project in one program at build start costs about what `otelify apply`
  // does; a module whose text changed since (watch mode, other plugins) is analysed on its own.
  let analysed = new Map<string, Analysed>();
  let root = resolve(options.root ?? process.cwd());
  return {
    name: 'otelify',
    // The bundler's own idea of the project folder, unless the options name one.
    vite: {
      configResolved(resolved) {
        if (!options.root) root = resolved.root;
      },
    },
    webpack(compiler) {
      if (!options.root) root = compiler.context;
    },
    rspack(compiler) {
      if (!options.root) root = compiler.context;
    },
    async buildStart() {
      const files = await findSourceFiles([root], { exclude: config.exclude, excludeRoot: root }).catch(() => []);
      const sources = files.map((path) => ({ path, text: readFileSync(path, 'utf8') })).filter((source) => prefilter(source.text));
      const outcomes = instrumentSources(sources, {
        targets,
        compilerOptions: compilerOptionsFor(root),
        runtimeSpecifier: () => 'otelify/runtime',
        ...(convention ? { convention } : {}),
      });
      analysed = new Map();
      outcomes.forEach((outcome, i) => {
        if (!outcome.parseError) analysed.set(resolve(outcome.path), { text: sources[i]!.text, code: outcome.output, map: outcome.map });
      });
    },
    // Before the bundler's own TypeScript handling (Vite's esbuild step would strip the types we match on).
    enforce: 'pre',
    transformInclude(id) {
      const path = id.split('?')[0]!;
      if (!SOURCE.test(path) || /[\\/]node_modules[\\/]/.test(path)) return false;
      if (options.include && !options.include.some((r) => r.test(path))) return false;
      return !(options.exclude ?? []).some((r) => r.test(path)) && !isExcluded(resolve(path));
    },
    transform(code, id) {
      if (!prefilter(code)) return null;
      const path = id.split('?')[0]!;
      const known = analysed.get(resolve(path));
      if (known && known.text === code) return known.code !== undefined && known.map ? { code: known.code, map: known.map } : null;
      const result = transformSource(code, path, { targets, ...(convention ? { convention } : {}) });
      return result ? { code: result.code, map: result.map } : null;
    },
  };
};

export const unplugin = createUnplugin(unpluginFactory);
