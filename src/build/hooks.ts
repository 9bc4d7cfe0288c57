import { fileURLToPath } from 'node:url';
import { transformForLoader } from './transform-module.js';

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: { format?: string | null }) => Promise<LoadResult>;

/** Node's `load` hook: an ES module's source, rewritten by the same engine as `otelify apply`. */
export async function load(url: string, context: { format?: string | null }, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  // CommonJS comes without source on Node 20: register.ts hooks its compilation instead.
  if (!url.startsWith('file:') || result.source == null) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as ArrayBuffer).toString('utf8');
  const transformed = transformForLoader(source, fileURLToPath(url));
  return transformed === undefined ? result : { ...result, source: transformed };
}
