// Runs vitest again under the Node 22 and 24 binaries that are dev dependencies (`node22`, `node24`): the CLI
// on the Node versions users run it on, and the execution tests of the SDK majors that need Node 22 or later
// (`ai` 7, `openai` 7), which skip themselves under the default Node. `npm test` runs this after the full
// suite; `node scripts/test-node-majors.mjs 24` runs one version only. What runs where is chosen for CI's
// time (README, "Development").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

/** The CLI as users run it: apply, check and their file-safety guarantees (`pack` is npm's time, not Node's). */
const CLI = ['test/cli.test.ts', 'test/check-cli.test.ts', 'test/apply-safety.test.ts'];
/** Current SDK majors that need Node 22, and the Anthropic SDK as installed. */
const MAJORS = ['test/exec-vercel-ai-v7.test.ts', 'test/exec-openai-v7.test.ts', 'test/exec-anthropic.test.ts'];

const runs = [
  { version: '22', files: MAJORS },
  { version: '24', files: [...CLI, ...MAJORS] },
];

const wanted = process.argv.slice(2);
const failed = [];
for (const run of runs.filter((r) => wanted.length === 0 || wanted.includes(r.version))) {
  const node = join(ROOT, `node_modules/node${run.version}/bin/node`);
  if (!existsSync(node)) {
    console.error(`${relative(ROOT, node)} is missing: run \`npm ci\` (it is the dev dependency node${run.version})`);
    failed.push(run.version);
    continue;
  }
  // The version the binary itself reports, so a wrong binary cannot pass for the right one.
  const reported = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== vitest on Node ${reported} (${relative(ROOT, node)}): ${run.files.join(' ')}`);
  const started = performance.now();
  const result = spawnSync(node, [VITEST, 'run', ...run.files], { cwd: ROOT, stdio: 'inherit' });
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(`=== Node ${reported}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
  if (result.status !== 0 || !reported.startsWith(`v${run.version}.`)) failed.push(run.version);
}
if (failed.length > 0) {
  console.error(`\nvitest failed on Node ${failed.join(', ')}`);
  process.exit(1);
}
