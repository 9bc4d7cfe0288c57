import { fileURLToPath } from 'node:url';
import { createPrefilter } from '../engine/prefilter.js';
import { builtinTargets } from '../targets/index.js';
import { transformSource } from '../index.js';

const SOURCE = /\.[cm]?[jt]sx?$/;
const prefilter = createPrefilter(builtinTargets);

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: { format?: string | null }) => Promise<LoadResult>;

/** Node's `load` hook: the module's source, rewritten by the same engine as `otelify apply`. */
export async function load(url: string, context: { format?: string | null }, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  // CommonJS is left to Node's own loader (its source is not handed to load hooks on Node 20).
  if (!url.startsWith('file:') || url.includes('/node_modules/') || !SOURCE.test(new URL(url).pathname) || result.source == null) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as ArrayBuffer).toString('utf8');
  if (!prefilter(source)) return result;
  const transformed = transformSource(source, fileURLToPath(url));
  if (!transformed) return result;
  const map = Buffer.from(transformed.map.toString()).toString('base64');
  return { ...result, source: `${transformed.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n` };
}
