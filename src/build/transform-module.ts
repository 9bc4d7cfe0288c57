import { transformSource } from '../index.js';
import { createSetup } from '../setup.js';

const SOURCE = /\.[cm]?[jt]sx?$/;
const setup = createSetup({ from: process.cwd() });

/**
 * A module's source as the loader runs it: rewritten by the same engine as `otelify apply` (the config found
 * from the working directory applies), with an inline source map; undefined when there is nothing to do.
 */
export function transformForLoader(source: string, filename: string): string | undefined {
  if (!SOURCE.test(filename) || /[\\/]node_modules[\\/]/.test(filename) || !setup.prefilter(source)) return undefined;
  const transformed = transformSource(source, filename, setup);
  if (!transformed) return undefined;
  const map = Buffer.from(transformed.map.toString()).toString('base64');
  return `${transformed.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`;
}
