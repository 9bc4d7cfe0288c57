// The whole-project analysis the bundler plugins start with: the same engine run as `otelify apply` does, on
// every module that passes the prefilter. Loading it loads TypeScript: the plugins import it only when no
// kept analysis serves, and (but for esbuild) only in their worker thread.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ts } from '../engine/typescript.cjs';
import { instrumentSources } from '../engine/instrument.js';
import { createFormatSettingsLookup } from '../engine/format-settings.js';
import { compilerOptionsFor, isBundledLib } from '../engine/program.js';
import { engineOptions, type RewriteSettings } from '../setup.js';
import { analysisCache, type Candidate } from './cache.js';
import { settingsOf, type ProjectOptions } from './project.js';

export interface AnalysisRequest extends RewriteSettings {
  root: string;
  files: string[];
}

/** A module as analysed: the text the analysis saw, and its rewrite (none when nothing changes). */
export interface AnalysedModule {
  path: string;
  text: string;
  code?: string;
  /** Source map as JSON (magic-string's `SourceMap`, made plain to cross the thread boundary). */
  map?: { version: number; sources: string[]; names: string[]; mappings: string; file?: string; sourcesContent?: (string | null)[] };
}

export interface Analysis {
  modules: AnalysedModule[];
  /** Every other file the outcome depends on (imported modules, typings, the tsconfig): if one changes, it is stale. */
  dependencies: string[];
}

export function analyse(request: AnalysisRequest): Analysis {
  const sources = request.files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const analysed = new Set(sources.map((source) => resolve(source.path)));
  const dependencies: string[] = [];
  const tsconfig = ts.findConfigFile(request.root, ts.sys.fileExists, 'tsconfig.json');
  if (tsconfig) dependencies.push(resolve(tsconfig));
  const formatSettings = createFormatSettingsLookup();
  const outcomes = instrumentSources(
    sources,
    engineOptions(request, compilerOptionsFor(request.root), {
      formatSettings,
      onProgram: (program) => {
        for (const file of program.getSourceFiles()) {
          if (!isBundledLib(file.fileName) && !analysed.has(resolve(file.fileName))) dependencies.push(resolve(file.fileName));
        }
      },
    }),
  );
  // The formatter configs read decide how inserted code is laid out: a kept analysis is stale when one changes.
  dependencies.push(...formatSettings.configFiles);
  const modules = outcomes.flatMap((outcome, i) =>
    outcome.parseError ? [] : [{ path: outcome.path, text: sources[i]!.text, ...(outcome.output !== undefined && outcome.map ? { code: outcome.output, map: JSON.parse(outcome.map.toString()) } : {}) }],
  );
  return { modules, dependencies };
}

/** The candidates analysed now, and the outcome kept for the next build. */
export function analyseProject(options: ProjectOptions, candidates: Candidate[]): AnalysedModule[] {
  const analysis = analyse({
    root: options.root,
    files: candidates.map((c) => c.path),
    targets: options.targets,
    convention: options.convention,
    streamUsage: options.streamUsage,
  });
  if (options.cache) analysisCache(options.root, settingsOf(options))?.write(candidates, analysis);
  return analysis.modules;
}
