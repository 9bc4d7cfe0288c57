// A minimal webpack loader for test builds: strips TypeScript with esbuild (after otelify's pre-transform),
// composing its source map with the one it is handed, so positions map back to the file on disk.
const { transformSync } = require('esbuild');
const { TraceMap, eachMapping, originalPositionFor } = require('@jridgewell/trace-mapping');
const { GenMapping, addMapping, setSourceContent, toEncodedMap } = require('@jridgewell/gen-mapping');

module.exports = function esbuildLoader(source, map) {
  const result = transformSync(source, { loader: this.resourcePath.endsWith('.tsx') ? 'tsx' : 'ts', sourcemap: 'external', sourcefile: this.resourcePath, format: 'esm' });
  const input = typeof map === 'string' ? JSON.parse(map) : map;
  this.callback(null, result.code, result.map && input?.mappings ? compose(JSON.parse(result.map), input) : result.map || map);
};

/** `outer` (esbuild's output to its input) followed by `inner` (that input to the file on disk). */
function compose(outer, inner) {
  const innerMap = new TraceMap(inner);
  const composed = new GenMapping({ file: outer.file });
  eachMapping(new TraceMap(outer), (m) => {
    if (m.originalLine == null) return;
    const original = originalPositionFor(innerMap, { line: m.originalLine, column: m.originalColumn });
    if (original.source == null) return;
    addMapping(composed, { generated: { line: m.generatedLine, column: m.generatedColumn }, source: original.source, original: { line: original.line, column: original.column } });
  });
  (inner.sources ?? []).forEach((file, i) => inner.sourcesContent?.[i] != null && setSourceContent(composed, file, inner.sourcesContent[i]));
  return toEncodedMap(composed);
}
