// What the jscodeshift entry points (queues.ts, llm.ts) share. They delegate to otelify's engine (no AST work
// here) through the same setup as `otelify apply`, so the result equals `otelify apply --only <group>`'s.
// Options (jscodeshift passes unknown flags through): --only=<libraries>; --convention=llm|genai|both for LLM
// spans; --runtime=package|vendor (default: the config's `runtime`, else package).

// jscodeshift compiles every module required after it with Babel (node_modules included), which cannot
// compile the TypeScript compiler otelify bundles. The engine is already built, so switch that hook off before loading it.
try {
  (require.main ?? module).require('@babel/register').revert();
} catch {
  // Run with --no-babel, or outside jscodeshift: nothing to switch off.
}
const { transformFile } = require('../dist/jscodeshift.js') as typeof import('../dist/jscodeshift.js');

interface FileInfo {
  path: string;
  source: string;
}

export type Transformer = (file: FileInfo, api: unknown, options?: import('../dist/jscodeshift.js').TransformFileOptions) => string | undefined;

/** A jscodeshift transform applying one group of targets: `queues` or `llm`. */
export function createTransformer(group: 'queues' | 'llm'): Transformer {
  return (file, _api, options = {}) => transformFile(group, file.path, file.source, options);
}
