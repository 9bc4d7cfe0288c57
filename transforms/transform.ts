// What the jscodeshift entry points (queues.ts, llm.ts) share. They delegate to otelify's engine (no AST work
// here), so the result equals `otelify apply --only <group>`'s.
// Options (jscodeshift passes unknown flags through): --runtime=<path without extension> places the runtime
// helper (default: src/otelify.runtime when ./src exists, else ./otelify.runtime); --only=<libraries>;
// --convention=llm|genai|both for LLM spans.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// jscodeshift compiles every module required after it with Babel (node_modules included), which cannot
// compile the TypeScript compiler otelify bundles. The engine is already built, so switch that hook off before loading it.
try {
  (require.main ?? module).require('@babel/register').revert();
} catch {
  // Run with --no-babel, or outside jscodeshift: nothing to switch off.
}
const { flavorFor, loadConfig, runtimePathFor, runtimeSource, targetGroup, targetsFor, transformSource, writeAtomically } =
  require('../dist/index.js') as typeof import('../dist/index.js');

interface FileInfo {
  path: string;
  source: string;
}

interface Options {
  runtime?: string;
  only?: string;
  dry?: boolean;
  convention?: 'llm' | 'genai' | 'both';
}

export type Transformer = (file: FileInfo, api: unknown, options?: Options) => string | undefined;

/** A jscodeshift transform applying one group of targets: `queues` or `llm`. */
export function createTransformer(group: 'queues' | 'llm'): Transformer {
  return (file, _api, options = {}) => transform(group, file, options);
}

function transform(group: 'queues' | 'llm', file: FileInfo, options: Options): string | undefined {
  // jscodeshift walks into node_modules unless told not to; dependencies are never ours to rewrite.
  if (/[\\/]node_modules[\\/]/.test(resolve(file.path))) return undefined;
  const loaded = loadConfig(process.cwd());
  const base = options.runtime
    ? resolve(options.runtime)
    : resolve(loaded.config.runtimeFile?.replace(/\.[cm]?[jt]s$/, '') ?? (existsSync('src') ? 'src/otelify.runtime' : 'otelify.runtime'));
  const only = options.only ? String(options.only).split(',') : undefined;
  const targets = targetsFor(loaded.config, only).filter((target) => targetGroup(target) === group);
  const convention = options.convention ?? loaded.config.convention;
  const result = transformSource(file.source, resolve(file.path), {
    targets,
    runtimeBase: base,
    convention,
    streamUsage: loaded.config.streamUsage,
  });
  if (!result) return undefined;
  if (!options.dry) {
    const flavor = flavorFor(resolve(file.path), file.source);
    const path = runtimePathFor(base, flavor);
    const text = runtimeSource(flavor, { tracerName: loaded.config.tracerName, prices: loaded.config.prices, promptHash: loaded.config.promptHash });
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeAtomically(path, text);
  }
  return result.code;
}
