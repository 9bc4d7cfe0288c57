// `npm run bench`: otelify apply --dry on a generated 5,000-file corpus (2% use a queue library) against the
// floor of parsing every file once with the TypeScript parser, and against jscodeshift running a no-op
// transform, all measured in this run. Each measurement runs in a fresh process; the best of N runs counts.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateCorpus } from './corpus.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const corpus = join(tmpdir(), 'otelify-bench-corpus');
const { files, queueFiles, tracedFiles } = generateCorpus(corpus, { count: 5000, queueShare: 0.02, tracedShare: 0.1, nodeModules: join(ROOT, 'node_modules') });
console.log(`corpus: ${files} TypeScript files; ${queueFiles} use a queue library, ${tracedFiles} write span attributes (${corpus})`);

function child(script, ...args) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bench', script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

function best(measure) {
  const results = Array.from({ length: RUNS }, measure);
  return results.reduce((a, b) => (b.ms < a.ms ? b : a));
}

const floor = best(() => child('parse-child.mjs', corpus));
const otelify = best(() => child('apply-child.mjs', corpus));
if (otelify.code !== 0) throw new Error(`otelify apply exited ${otelify.code}`);
// A benchmark that matched nothing would measure nothing.
if (otelify.instrumented < queueFiles) throw new Error(`otelify instrumented only ${otelify.instrumented} call sites in ${queueFiles} queue files`);

function jscodeshift() {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/jscodeshift/bin/jscodeshift.js'), '-t', join(ROOT, 'bench/noop-transform.cjs'), '--dry', '--silent', '--extensions=ts', '--parser=ts', join(corpus, 'src')],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`jscodeshift failed:\n${run.stderr}`);
  return { ms: performance.now() - started };
}
const codemod = process.env.BENCH_SKIP_JSCODESHIFT ? undefined : best(jscodeshift);

// otelify check over the same corpus, and ESLint running the plugin's rule on it.
const checked = best(() => child('check-child.mjs', corpus));
const expectedFindings = Math.ceil(tracedFiles / 4);
if (checked.findings !== expectedFindings) throw new Error(`otelify check found ${checked.findings} problems, expected ${expectedFindings}`);
writeFileSync(
  join(corpus, 'eslint.config.mjs'),
  `import parser from ${JSON.stringify(pathToFileURL(join(ROOT, 'node_modules/@typescript-eslint/parser/dist/index.js')).href)};
import otelify from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/eslint/index.js')).href)};
export default [{ files: ['src/**/*.ts'], languageOptions: { parser }, plugins: { otelify }, rules: { 'otelify/no-pii-attributes': 'error' } }];
`,
);
function eslint() {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), 'src', '--format', 'json'], { cwd: corpus, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed:\n${run.stderr}`);
  const problems = JSON.parse(run.stdout).reduce((n, f) => n + f.errorCount, 0);
  if (problems !== expectedFindings) throw new Error(`eslint reported ${problems} problems, expected ${expectedFindings}`);
  return { ms: performance.now() - started };
}
const linted = process.env.BENCH_SKIP_ESLINT ? undefined : best(eslint);

// Build time of the whole corpus with and without the plugin: cold (no analysis kept from an earlier build)
// and warm (the last build's analysis still valid, as in a rebuild or a CI build that keeps its cache).
const buildRun = (bundler, mode) => child('build-child.mjs', bundler, mode, corpus);
const builds = process.env.BENCH_SKIP_BUILDS
  ? undefined
  : {
      esbuild: alternating('esbuild', ['without', 'passthrough', 'type-checked-floor', 'cold', 'warm'], Math.max(RUNS, 5)),
      vite: alternating('vite', ['without', 'cold', 'warm'], Math.max(RUNS, 3)),
    };

/**
 * Builds vary from one to the next by about what the plugin costs: the modes take turns, each round in a new
 * order, and the medians count.
 */
function alternating(bundler, modes, rounds) {
  const runs = Object.fromEntries(modes.map((mode) => [mode, []]));
  if (modes.includes('warm')) buildRun(bundler, 'warm');
  for (let i = 0; i < rounds; i++) {
    const order = modes.map((_, j) => modes[(i + j) % modes.length]);
    for (const mode of order) runs[mode].push(buildRun(bundler, mode).ms);
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { ...Object.fromEntries(modes.map((mode) => [mode, median(runs[mode])])), rounds };
}

// Run-time cost of a rewritten LLM call against a loopback OpenAI API, with and without an SDK registered.
const llm = process.env.BENCH_SKIP_LLM ? undefined : child('llm-child.mjs');

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rows = [
  ['parse every file once (TypeScript parser, the floor)', floor.ms, `${floor.maxRssMb.toFixed(0)} MB`],
  ['otelify apply --dry', otelify.ms, `${otelify.maxRssMb.toFixed(0)} MB`],
  ...(codemod ? [['jscodeshift, no-op transform', codemod.ms, '']] : []),
  ['otelify check', checked.ms, `${checked.maxRssMb.toFixed(0)} MB`],
  ...(linted ? [['eslint with otelify/no-pii-attributes', linted.ms, '']] : []),
];
console.log(`\nbest of ${RUNS} runs each, 2-core machine:`);
for (const [name, ms, mem] of rows) console.log(`  ${name.padEnd(54)} ${fmt(ms).padStart(8)}  ${(ms / floor.ms).toFixed(2).padStart(6)}x floor  ${mem}`);
console.log(`\notelify / floor: ${(otelify.ms / floor.ms).toFixed(2)} (target: below 1.00)`);
if (codemod) console.log(`jscodeshift no-op / floor: ${(codemod.ms / floor.ms).toFixed(2)}; otelify is ${(codemod.ms / otelify.ms).toFixed(1)}x faster`);
console.log(`otelify parsed ${otelify.parsed} of ${files} files (the rest were ruled out by the text prefilter) and instrumented ${otelify.instrumented} call sites`);
console.log(`peak memory: otelify ${otelify.maxRssMb.toFixed(0)} MB, parse floor ${floor.maxRssMb.toFixed(0)} MB`);
console.log(`otelify check / floor: ${(checked.ms / floor.ms).toFixed(2)} (target: below 1.00), ${checked.findings} problems found in ${tracedFiles} traced files`);
if (linted) console.log(`eslint with the plugin rule / floor: ${(linted.ms / floor.ms).toFixed(2)}; otelify check is ${(linted.ms / checked.ms).toFixed(1)}x faster`);

if (builds) {
  const pct = (a, b) => {
    const change = ((a - b) / b) * 100;
    return `${change >= 0 ? '+' : ''}${change.toFixed(0)}%`;
  };
  const { esbuild, vite } = builds;
  console.log(`\nbuilding the ${files}-module corpus (medians of ${esbuild.rounds} rounds for esbuild, ${vite.rounds} for vite; target: under 10%):`);
  console.log(`  esbuild ${fmt(esbuild.without)}; with otelify: cold ${fmt(esbuild.cold)} (${pct(esbuild.cold, esbuild.without)}), warm ${fmt(esbuild.warm)} (${pct(esbuild.warm, esbuild.without)}); any JS plugin that sees every module: ${fmt(esbuild.passthrough)} (${pct(esbuild.passthrough, esbuild.without)})`);
  console.log(`  esbuild with the floor of a type-checked rewrite (TypeScript loaded, the candidates' program built and bound, nothing matched): ${fmt(esbuild['type-checked-floor'])} (${pct(esbuild['type-checked-floor'], esbuild.without)})`);
  console.log(`  vite ${fmt(vite.without)}; with otelify: cold ${fmt(vite.cold)} (${pct(vite.cold, vite.without)}), warm ${fmt(vite.warm)} (${pct(vite.warm, vite.without)})`);
}

if (llm) {
  const overhead = ({ plainMs, wrappedMs }) => `${(((wrappedMs - plainMs) / plainMs) * 100).toFixed(1)}%`;
  const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`\nan LLM call as rewritten vs as written (openai client, loopback OpenAI API, median of calls made in alternating pairs, ${llm.calls} calls):`);
  console.log(`  the call as written against itself, measured the same way (the method's noise): ${us(llm.control.plainMs)} -> ${us(llm.control.wrappedMs)} (${overhead(llm.control)})`);
  console.log(`  API only, no SDK: ${us(llm.apiOnly.plainMs)} -> ${us(llm.apiOnly.wrappedMs)} per call (${overhead(llm.apiOnly)}); the wrapper alone costs ${llm.apiOnly.wrapperUs.toFixed(1)} µs = ${((llm.apiOnly.wrapperUs / (llm.apiOnly.plainMs * 1000)) * 100).toFixed(2)}% of the call (target: under 2%)`);
  console.log(`  SDK + in-memory exporter: ${us(llm.withSdk.plainMs)} -> ${us(llm.withSdk.wrappedMs)} per call (${overhead(llm.withSdk)}; recording, pricing and exporting one span)`);
}
