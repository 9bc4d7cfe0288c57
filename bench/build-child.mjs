// Builds the corpus with one bundler; prints wall time and module count. Modes: without a plugin, with a
// pass-through plugin, with the floor of a type-checked rewrite (esbuild), with otelify and no analysis kept
// from an earlier build (cold), or with one (warm).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [bundler, mode, corpus] = process.argv.slice(2);
const withPlugin = mode === 'cold' || mode === 'warm';
const otelifyOptions = { root: corpus, cache: mode === 'warm' };
const entry = join(corpus, 'src', 'index.ts');
const modules = readdirSync(join(corpus, 'src')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
writeFileSync(entry, modules.map((f, i) => `export * as m${i} from './${f.replace(/\.ts$/, '.js')}';`).join('\n'));
const external = ['amqplib', 'kafkajs', 'bullmq', '@opentelemetry/api', '@otelify/runtime', '@otelify/runtime/*'];
// Rollup names externals exactly or by pattern, not by esbuild's wildcard.
const rollupExternal = [...external.filter((name) => !name.endsWith('*')), /^@otelify\/runtime\//];

const started = performance.now();
if (bundler === 'esbuild') {
  const { build } = await import('esbuild');
  const { readFile } = await import('node:fs/promises');
  // What any JavaScript plugin that reads every module costs esbuild: the floor for a transform plugin.
  const passthrough = { name: 'passthrough', setup: (b) => b.onLoad({ filter: /\.ts$/ }, async (args) => ({ contents: await readFile(args.path, 'utf8'), loader: 'ts' })) };
  // The least a type-checked rewrite costs a cold build, with nothing matched or rewritten: TypeScript loaded
  // and the program of the modules that use a queue library built and bound (what the checker needs before it
  // can answer anything), those modules held until it is. The corpus names them, so no scan is counted.
  const queueModules = modules.filter((f) => f.includes('-messaging-')).map((f) => join(corpus, 'src', f));
  const typeChecked = {
    name: 'type-checked-floor',
    setup(b) {
      let program;
      b.onStart(() => {
        program = import('../dist/engine/program.js').then(
          ({ createProgram, compilerOptionsFor }) =>
            new Promise((done) => setImmediate(() => done(createProgram(queueModules.map((path) => ({ path, text: readFileSync(path, 'utf8') })), compilerOptionsFor(corpus)).getTypeChecker()))),
        );
      });
      b.onLoad({ filter: new RegExp(`^(?:${queueModules.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`) }, async () => {
        await program;
        return undefined;
      });
    },
  };
  const plugins = withPlugin ? [(await import('../dist/build/esbuild.js')).default(otelifyOptions)] : mode === 'passthrough' ? [passthrough] : mode === 'type-checked-floor' ? [typeChecked] : [];
  await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', external, plugins, logLevel: 'silent' });
} else {
  const { build } = await import('vite');
  // A plugin that looks at every module and changes none: what any transform plugin costs Vite.
  const passthrough = { name: 'passthrough', enforce: 'pre', transform: (code) => (code.includes('\u0000never') ? code : null) };
  const plugins = withPlugin ? [(await import('../dist/build/vite.js')).default(otelifyOptions)] : mode === 'passthrough' ? [passthrough] : [];
  await build({ configFile: false, root: corpus, logLevel: 'silent', plugins, build: { ssr: entry, write: false, minify: false, rollupOptions: { external: rollupExternal } } });
}
process.stdout.write(JSON.stringify({ ms: performance.now() - started, modules: modules.length }));
