// Runs vitest under the Node 22 and 24 binaries that are dev dependencies (`node22`, `node24`), found from the
// repository root: the CLI on the Node versions users run it on, and the execution tests of the SDK majors
// that need Node 22 or later (`ai` 7, `openai` 7; they skip themselves on older Node), with the Anthropic
// SDK as installed. Each run prints the version its binary reports.
//
// `npm test` passes --after-full-suite: its `vitest run` has just run every test on the `node` that npm's
// PATH gives, which is node_modules/.bin/node, a link npm makes to one of these two packages (both name a
// `node` bin). That version is not run again. Without the flag both run. `node scripts/test-node-versions.mjs 24`
// runs one version only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const VERSIONS = ['22', '24'];

/** The CLI as users run it: apply, check, and apply's file safety (test/pack.test.ts is npm's time, not Node's). */
const CLI = ['test/cli.test.ts', 'test/check-cli.test.ts', 'test/apply-safety.test.ts'];
/** The current SDK majors executed. */
const MAJORS = ['test/exec-vercel-ai-v7.test.ts', 'test/exec-openai-v7.test.ts', 'test/exec-anthropic.test.ts'];
const FILES = [...CLI, ...MAJORS];

const args = process.argv.slice(2);
const afterFullSuite = args.includes('--after-full-suite');
const wanted = args.filter((arg) => !arg.startsWith('--'));
const unknown = wanted.filter((version) => !VERSIONS.includes(version));
if (unknown.length > 0) {
  console.error(`no Node ${unknown.join(', ')} here; the versions are ${VERSIONS.join(', ')}`);
  process.exit(2);
}

const failed = [];
for (const version of wanted.length > 0 ? wanted : VERSIONS) {
  const node = join(ROOT, `node_modules/node${version}/bin/node`);
  const name = relative(ROOT, node);
  if (!existsSync(node)) {
    console.error(`\n=== ${name} is missing: run \`npm ci\` (it is the dev dependency node${version})`);
    failed.push(version);
    continue;
  }
  // What the binary itself says, so that a wrong binary cannot pass for the right one.
  const reported = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
  if (afterFullSuite && process.versions.node.split('.')[0] === version) {
    console.log(`\n=== Node ${reported} (${name}): the full suite has just run on this Node (vitest run); not run again`);
    continue;
  }
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
