import { isAbsolute, relative, resolve } from 'node:path';
import type { PluginBuild } from 'esbuild';
import { createUnplugin, type UnpluginFactory } from 'unplugin';
import type { LLMConvention } from '../engine/instrument.js';
import { escapeRegExp } from '../engine/prefilter.js';
import { createSetup } from '../setup.js';
import type { AnalysedModule } from './analyse.js';
import type { Candidate } from './cache.js';
import { analyseInWorker, findCandidates, includedIn, keptAnalysis, type ProjectOptions } from './project.js';

export interface OtelifyPluginOptions {
  /** Libraries or target ids to apply (default: all, less the config's `disable`). */
  only?: string[];
  /** Config file (default: otelify.config.* or package.json "otelify", found from the working directory). */
  config?: string;
  /** Only paths matching one of these are transformed (default: every TypeScript and JavaScript module). */
  include?: RegExp[];
  /** Extra path patterns never transformed, on top of the config's `exclude` globs (node_modules never is). */
  exclude?: RegExp[];
  /** The project folder analysed up front in one TypeScript program (default: the bundler's root, else the working directory). */
  root?: string;
  /** Attribute names of LLM spans (default: the config's `convention`, else `llm`). */
  convention?: LLMConvention;
  /** Ask OpenAI for token usage on streams where the code does not (default: the config's `streamUsage`). */
  streamUsage?: boolean;
  /** Keep the scan and the analysis in node_modules/.cache/otelify for the next build (default: true). */
  cache?: boolean;
}

/**
 * The build-step front door: the same engine as `otelify apply`, run on each module as the bundler loads it,
 * before TypeScript is stripped. Rewritten code imports its helper from `@otelify/runtime`; the source on disk
 * is never changed.
 */
export const unpluginFactory: UnpluginFactory<OtelifyPluginOptions | undefined> = (options = {}, meta) => {
  const setup = createSetup({ from: process.cwd(), config: options.config, only: options.only, convention: options.convention, streamUsage: options.streamUsage });
  const { config, loaded, targets, prefilter } = setup;
  const project: ProjectOptions = {
    root: resolve(options.root ?? process.cwd()),
    targets,
    convention: setup.convention,
    streamUsage: setup.streamUsage,
    include: options.include,
    exclude: options.exclude,
    configExclude: config.exclude,
    configRoot: loaded.root,
    cache: options.cache !== false,
  };
  const isIncluded = includedIn(project);

  // esbuild calls into JavaScript for every module a plugin's filter matches, which alone costs more than the
  // rewrite: its filter names exactly the candidate modules, found before the build starts.
  const esbuildCandidates = meta.framework === 'esbuild' ? findCandidates(project) : undefined;

  // Finding and analysing the candidates in one program costs about what `otelify apply` does; a module whose
  // text changed since is analysed on its own. A worker does it while a JavaScript bundler works; esbuild
  // bundles in its own process, so there it runs here, a turn later, and spares the worker's start.
  let analysis: Promise<Map<string, AnalysedModule>> | undefined;
  const startAnalysis = () => {
    const kept = esbuildCandidates && keptAnalysis(project, esbuildCandidates);
    // The engine (and TypeScript with it) loads only when needed, and then a turn later, so esbuild is not kept
    // waiting for it at start.
    const modules: Promise<AnalysedModule[]> = kept
      ? Promise.resolve(kept)
      : esbuildCandidates
        ? import('./analyse.js').then(({ analyseProject }) => new Promise((done) => setImmediate(() => done(analyseProject(project, esbuildCandidates)))))
        : analyseInWorker(project);
    analysis = modules
      .then((list) => new Map(list.map((module) => [resolve(module.path), module])))
      .catch(() => new Map<string, AnalysedModule>());
    return analysis;
  };

  // esbuild fixes a plugin's filter when the plugin is set up: under --watch or rebuild(), a module that starts
  // importing an instrumented library later is bundled as written. esbuild asks plugins about each import of
  // those libraries, naming the importer, so such a module is found without a scan and reported.
  const warnOfLateCandidates = (candidates: Candidate[]) => (build: PluginBuild) => {
    const known = new Set(candidates.map((c) => resolve(c.path)));
    const libraries = [...new Set(targets.flatMap((t) => t.modules))];
    const inProject = (path: string) => {
      const fromRoot = relative(project.root, path);
      return !fromRoot.startsWith('..') && !isAbsolute(fromRoot);
    };
    build.onResolve({ filter: new RegExp(`^(?:${libraries.map(escapeRegExp).join('|')})(?:/|$)`) }, ({ path, importer }) =>
      importer && !known.has(resolve(importer)) && inProject(importer) && isIncluded(importer)
        ? { warnings: [{ text: `otelify: ${relative(process.cwd(), importer)} imports ${path} but is not instrumented: it began to after the plugin started, when esbuild fixed its filter. Restart the build to instrument it.` }] }
        : undefined,
    );
  };

  return {
    name: 'otelify',
    // The bundler's own idea of the project folder, unless the options name one.
    vite: {
      configResolved(resolved) {
        if (!options.root) project.root = resolved.root;
      },
    },
    webpack(compiler) {
      if (!options.root) project.root = compiler.context;
    },
    rspack(compiler) {
      if (!options.root) project.root = compiler.context;
    },
    esbuild: esbuildCandidates ? { onLoadFilter: exactly(esbuildCandidates.map((c) => c.path)), setup: warnOfLateCandidates(esbuildCandidates) } : {},
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
      const result = transformSource(code, path, setup);
      return result ? { code: result.code, map: result.map } : null;
    },
  };
};

/** A filter matching exactly these paths (esbuild's Go regular expressions: no lookaround). */
function exactly(paths: string[]): RegExp {
  if (paths.length === 0) return /^$/;
  return new RegExp(`^(?:${paths.map(escapeRegExp).join('|')})$`);
}

export const unplugin = createUnplugin(unpluginFactory);
