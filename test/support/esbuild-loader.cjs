// A minimal webpack loader for test builds: strips TypeScript with esbuild (after otelify's pre-transform).
const { transformSync } = require('esbuild');

module.exports = function esbuildLoader(source, map) {
  const result = transformSync(source, { loader: this.resourcePath.endsWith('.tsx') ? 'tsx' : 'ts', sourcemap: 'external', sourcefile: this.resourcePath, format: 'esm' });
  this.callback(null, result.code, result.map || map);
};
