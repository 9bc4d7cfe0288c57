// The whole-project analysis the bundler plugins start with: the same engine run as `otelify apply` does, on
// every module that passes the prefilter. It runs in a worker thread, so the bundler goes on with its own work
// meanwhile and only modules with call sites wait for it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ts } from '@ts-morph/common';
import type { LLMConvention } from '../engine/instrument.js';
import { instrumentSources } from '../engine/instrument.js';
import { compilerOptionsFor, isBundledLib } from '../engine/program.js';
import type { Target } from '../targets/types.js';

export interface AnalysisRequest {
  root: string;
  files: string[];
  targets: Target[];
  convention?: LLMConvention;
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
  const outcomes = instrumentSources(sources, {
    targets: request.targets,
    compilerOptions: compilerOptionsFor(request.root),
    runtimeSpecifier: () => 'otelify/runtime',
    ...(request.convention ? { convention: request.convention } : {}),
    onProgram: (program) => {
      for (const file of program.getSourceFiles()) {
        if (!isBundledLib(file.fileName) && !analysed.has(resolve(file.fileName))) dependencies.push(resolve(file.fileName));
      }
    },
  });
  const modules = outcomes.flatMap((outcome, i) =>
    outcome.parseError ? [] : [{ path: outcome.path, text: sources[i]!.text, ...(outcome.output !== undefined && outcome.map ? { code: outcome.output, map: JSON.parse(outcome.map.toString()) } : {}) }],
  );
  return { modules, dependencies };
}

/** The built worker script; from `src` (tests) as from `dist` it sits in the package's `dist/build`. */
const WORKER = new URL('../../dist/build/analyse-worker.js', import.meta.url);

/** {@link analyse} in a worker thread; in this thread when no worker can start. */
export function analyseInWorker(request: AnalysisRequest): Promise<Analysis> {
  return new Promise((done, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER, { workerData: request });
    } catch {
      done(analyse(request));
      return;
    }
    worker.once('message', (analysis: Analysis) => {
      done(analysis);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
