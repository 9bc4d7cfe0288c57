// Runs vitest under Node 22 and 24 (fetched from the registry on first use: scripts/node-binaries.mjs) after
// `npm test` has run every test on the machine's Node: the CLI on the Node versions users run it on, and the
// execution tests of the SDK majors that need Node 22 or later (`ai` 7, `openai` 7; they skip themselves on
// older Node), with the Anthropic SDK as installed. Each run prints the version its binary reports.
// `node scripts/test-node-versions.mjs 24` runs one version only.
import { spawnSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { nodeBinary } from './node-binaries.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const VERSIONS = ['22', '24'];

/** The CLI as users run it: apply, check, and apply's file safety (test/pack.test.ts is npm's time, not Node's). */
const CLI = ['test/cli.test.ts', 'test/check-cli.test.ts', 'test/apply-safety.test.ts'];
/** The current SDK majors executed. */
const MAJORS = ['test/exec-vercel-ai-v7.test.ts', 'test/exec-openai-v7.test.ts', 'test/exec-anthropic.test.ts'];
const FILES = [...CLI, ...MAJORS];

const args = process.argv.slice(2);
const wanted = args.filter((arg) => !arg.startsWith('--'));
const unknown = wanted.filter((version) => !VERSIONS.includes(version));
if (unknown.length > 0) {
  console.error(`no Node ${unknown.join(', ')} here; the versions are ${VERSIONS.join(', ')}`);
  process.exit(2);
}

const failed = [];
for (const version of wanted.length > 0 ? wanted : VERSIONS) {
  const node = nodeBinary(Number(version));
  const name = relative(ROOT, node);
  // What the binary itself says, so that a wrong binary cannot pass for the right one.
  const reported = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== vitest on Node ${reported} (${name}): ${FILES.join(' ')}`);
  const started = performance.now();
  const result = spawnSync(node, [VITEST, 'run', ...FILES], { cwd: ROOT, stdio: 'inherit' });
  const ok = result.status === 0 && reported.startsWith(`v${version}.`);
  console.log(`=== Node ${reported}: ${ok ? 'passed' : 'FAILED'} in ${Math.round((performance.now() - started) / 1000)} s`);
  if (!ok) failed.push(version);
}
if (failed.length > 0) {
  console.error(`\nvitest failed on Node ${failed.join(', ')}`);
  process.exit(1);
}
