// Which of a project's modules the bundler plugins rewrite, and which of those may hold call sites (the
// candidates, analysed up front). Plain data in, plain data out: it runs in the bundler's thread for esbuild
// (whose filter must name the candidates before the build starts) and in the analysis worker for the others.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysedModule } from './analyse.js';
import type { LLMConvention } from '../engine/instrument.js';
import { selectCandidates } from '../engine/candidates.js';
import { createPrefilter } from '../engine/prefilter.js';
import { findSourceFilesSync } from '../files/walk.js';
import type { Target } from '../targets/types.js';
import { analysisCache, scanCache, type Candidate } from './cache.js';

export interface ProjectOptions {
  /** The folder analysed up front. */
  root: string;
  targets: Target[];
  convention?: LLMConvention | undefined;
  /** Ask OpenAI for token usage on streams where the code does not. */
  streamUsage?: boolean | undefined;
  /** Only paths matching one of these are rewritten. */
  include?: RegExp[] | undefined;
  /** Paths never rewritten, on top of the config's globs. */
  exclude?: RegExp[] | undefined;
  /** The config's `exclude` globs, relative to `configRoot`. */
  configExclude?: string[] | undefined;
  configRoot: string;
  /** Keep the scan and the analysis in node_modules/.cache/otelify. */
  cache: boolean;
}

const SOURCE = /\.[cm]?[jt]sx?$/;

/** Whether the plugins rewrite a module at all (before looking at its text). */
export function includedIn(options: ProjectOptions): (path: string) => boolean {
  const globs = options.configExclude ?? [];
  // Compiled on first use: most builds never ask (esbuild only for the modules its filter names).
  let excludedByConfig: { ignores(path: string): boolean } | undefined;
  const isExcluded = (path: string) => {
    if (globs.length === 0) return false;
    const fromRoot = relative(options.configRoot, path);
    if (fromRoot.startsWith('..') || isAbsolute(fromRoot) || fromRoot === '') return false;
    excludedByConfig ??= (createRequire(import.meta.url)('ignore') as typeof import('ignore'))().add(globs);
    return excludedByConfig.ignores(fromRoot.split(sep).join('/'));
  };
  return (path) => {
    if (!SOURCE.test(path) || /[\\/]node_modules[\\/]/.test(path)) return false;
    if (options.include && !options.include.some((r) => r.test(path))) return false;
    return !(options.exclude ?? []).some((r) => r.test(path)) && !isExcluded(resolve(path));
  };
}

/** Whatever decides the outcome, so a kept scan or analysis made under other settings is never used. */
export function settingsOf(options: ProjectOptions): unknown {
  return {
    targets: options.targets.map((t) => t.id),
    convention: options.convention,
    streamUsage: options.streamUsage,
    include: options.include?.map(String),
    exclude: options.exclude?.map(String),
    configExclude: options.configExclude,
  };
}

/**
 * The project's modules that may hold call sites: rewritten modules that pass the prefilter or import a
 * module holding a client (see engine/candidates.ts). From the kept scan when no file came or went since,
 * else by walking the project and reading every file.
 */
export function findCandidates(options: ProjectOptions): Candidate[] {
  const isIncluded = includedIn(options);
  const prefilter = createPrefilter(options.targets);
  const scan = options.cache ? scanCache(options.root, settingsOf(options)) : undefined;
  const known = scan?.read((files) => selectCandidates(files, prefilter));
  if (known) return known.filter((c) => isIncluded(c.path));
  let files: string[];
  try {
    files = findSourceFilesSync([options.root], { exclude: options.configExclude ?? [], excludeRoot: options.configRoot });
  } catch {
    return [];
  }
  // Every file counts for finding clients; only included ones are rewritten.
  const sources = files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const { candidates, facts } = selectCandidates(sources, prefilter);
  scan?.write(options.root, sources.map(({ path }) => ({ path, facts: facts.get(path)!, candidate: candidates.has(path) })));
  return sources.filter(({ path }) => candidates.has(path) && isIncluded(path));
}

/** The analysis an earlier build kept for exactly these candidates, if nothing it depends on has changed. */
export function keptAnalysis(options: ProjectOptions, candidates: Candidate[]): AnalysedModule[] | undefined {
  return options.cache ? analysisCache(options.root, settingsOf(options))?.read(candidates) : undefined;
}

/** The project's candidates as analysed: kept from an earlier build, else analysed now (loading the engine). */
export async function projectAnalysis(options: ProjectOptions): Promise<AnalysedModule[]> {
  const candidates = findCandidates(options);
  return keptAnalysis(options, candidates) ?? (await import('./analyse.js')).analyseProject(options, candidates);
}

/** The built worker script; from `src` (tests) as from `dist` it sits in the package's `dist/build`. */
const WORKER = new URL('../../dist/build/analyse-worker.js', import.meta.url);

/**
 * The project's candidates as analysed, found and analysed in a worker thread, so the bundler's thread never
 * loads TypeScript; in this thread when no worker can start.
 */
export function analyseInWorker(options: ProjectOptions): Promise<AnalysedModule[]> {
  return new Promise((done, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER, { workerData: options });
    } catch {
      done(projectAnalysis(options));
      return;
    }
    worker.once('message', (modules: AnalysedModule[]) => {
      done(modules);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
