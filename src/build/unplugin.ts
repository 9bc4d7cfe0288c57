import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { createUnplugin, type UnpluginFactory } from 'unplugin';
import { loadConfig, targetsFor } from '../config.js';
import type { LLMConvention } from '../engine/instrument.js';
import { createPrefilter } from '../engine/prefilter.js';
import { findSourceFilesSync } from '../files/walk.js';
import type { Analysis, AnalysedModule } from './analyse.js';
import { analysisCache, scanCache, type Candidate } from './cache.js';

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
  /** Keep the analysis in node_modules/.cache/otelify for the next build (default: true). */
  cache?: boolean;
}

const SOURCE = /\.[cm]?[jt]sx?$/;

/**
 * The build-step front door: the same engine as `otelify apply`, run on each module as the bundler loads it,
 * before TypeScript is stripped. Rewritten code imports its helper from `otelify/runtime`; the source on disk
 * is never changed.
 */
export const unpluginFactory: UnpluginFactory<OtelifyPluginOptions | undefined> = (options = {}, meta) => {
  const loaded = loadConfig(process.cwd(), options.config);
  const { config } = loaded;
  const targets = targetsFor(config, options.only);
  const convention = options.convention ?? config.convention;
  // Made on first use: most builds never ask (esbuild only for modules its filter names).
  let excludedByConfig: { ignores(path: string): boolean } | undefined;
  const isExcluded = (path: string) => {
    if (!config.exclude?.length) return false;
    const fromRoot = relative(loaded.root, path);
    if (fromRoot.startsWith('..') || isAbsolute(fromRoot) || fromRoot === '') return false;
    excludedByConfig ??= (createRequire(import.meta.url)('ignore') as typeof import('ignore'))().add(config.exclude);
    return excludedByConfig.ignores(fromRoot.split(sep).join('/'));
  };
  const isIncluded = (path: string) => {
    if (!SOURCE.test(path) || /[\\/]node_modules[\\/]/.test(path)) return false;
    if (options.include && !options.include.some((r) => r.test(path))) return false;
    return !(options.exclude ?? []).some((r) => r.test(path)) && !isExcluded(resolve(path));
  };
  const prefilter = createPrefilter(targets);
  let root = resolve(options.root ?? process.cwd());

  const useCache = options.cache !== false;
  // Whatever decides which files are candidates, so a kept scan or analysis made under other settings is not used.
  const settings = {
    targets: targets.map((t) => t.id),
    convention,
    include: options.include?.map(String),
    exclude: options.exclude?.map(String),
    configExclude: config.exclude,
  };

  /** The project's modules that may hold call sites: the only ones analysed (and, for esbuild, handed to us). */
  const candidatesIn = (dir: string): Candidate[] => {
    const scan = useCache ? scanCache(dir, settings) : undefined;
    const known = scan?.read((path, text) => isIncluded(path) && prefilter(text));
    if (known) return known;
    let files: string[];
    try {
      files = findSourceFilesSync([dir], { exclude: config.exclude ?? [], excludeRoot: loaded.root });
    } catch {
      return [];
    }
    const judged = files.map((path) => {
      const text = isIncluded(path) ? readFileSync(path, 'utf8') : undefined;
      return { path, text, candidate: text !== undefined && prefilter(text) };
    });
    scan?.write(dir, judged);
    return judged.flatMap(({ path, text, candidate }) => (candidate ? [{ path, text: text! }] : []));
  };
  // esbuild calls into JavaScript for every module a plugin's filter matches, which alone costs more than the
  // rewrite: its filter names exactly the candidate modules.
  const esbuildCandidates = meta.framework === 'esbuild' ? candidatesIn(root) : undefined;

  // Analysing every candidate in one program at build start costs about what `otelify apply` does; a module
  // whose text changed since is analysed on its own. It runs in a worker while a JavaScript bundler works;
  // esbuild bundles in its own process, so there it runs here, a turn later, and spares the worker's start.
  let analysis: Promise<Map<string, AnalysedModule>> | undefined;
  const startAnalysis = () => {
    const candidates = esbuildCandidates ?? candidatesIn(root);
    const cache = useCache ? analysisCache(root, settings) : undefined;
    const cached = cache?.read(candidates);
    const request = { root, files: candidates.map((c) => c.path), targets, ...(convention ? { convention } : {}) };
    // The engine (and TypeScript with it) loads only now, so a bundler is not kept waiting for it at start.
    const modules: Promise<AnalysedModule[]> = cached
      ? Promise.resolve(cached)
      : import('./analyse.js')
          .then(({ analyse, analyseInWorker }) =>
            esbuildCandidates ? new Promise<Analysis>((done) => setImmediate(() => done(analyse(request)))) : analyseInWorker(request),
          )
          .then((outcome) => {
            cache?.write(candidates, outcome);
            return outcome.modules;
          });
    analysis = modules
      .then((modules) => new Map(modules.map((module) => [resolve(module.path), module])))
      .catch(() => new Map<string, AnalysedModule>());
    return analysis;
  };

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
    esbuild: esbuildCandidates ? { onLoadFilter: exactly(esbuildCandidates.map((c) => c.path)) } : {},
    buildStart() {
      void startAnalysis();
    },
    // Before the bundler's own TypeScript handling (Vite's esbuild step would strip the types we match on).
    enforce: 'pre',
    transformInclude(id) {
      return isIncluded(id.split('?')[0]!);
    },
    async transform(code, id) {
      if (!prefilter(code)) return null;
      const path = id.split('?')[0]!;
      const known = (await (analysis ?? startAnalysis())).get(resolve(path));
      if (known && known.text === code) return known.code !== undefined && known.map ? { code: known.code, map: known.map } : null;
      const { transformSource } = await import('../index.js');
      const result = transformSource(code, path, { targets, ...(convention ? { convention } : {}) });
      return result ? { code: result.code, map: result.map } : null;
    },
  };
};

/** A filter matching exactly these paths (esbuild's Go regular expressions: no lookaround). */
function exactly(paths: string[]): RegExp {
  if (paths.length === 0) return /^$/;
  return new RegExp(`^(?:${paths.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
}

export const unplugin = createUnplugin(unpluginFactory);
