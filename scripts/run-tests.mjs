// `npm test` once built and type-checked: the whole suite on this machine's Node and, side by side with it, the
// Node 22 and 24 passes (scripts/test-node-versions.mjs). The main run takes one file at a time (its broker tests
// share RabbitMQ, Redis and NATS), so it leaves the second core mostly idle; the version passes use only temporary
// folders of their own and loopback servers on free ports. Their output is held back and printed after the main
// run's, so the two logs do not interleave. `OTELIFY_NODE_PASSES=after` runs them one after the other instead.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

function run(args, { quiet } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => resolveRun({ ok: code === 0, code: code ?? signal, output: Buffer.concat(output) }));
  });
}

const sideBySide = process.env.OTELIFY_NODE_PASSES !== 'after';
console.log(`vitest run on Node ${process.version}${sideBySide ? '; the Node 22 and 24 passes run alongside, their output follows' : ''}`);
const started = performance.now();
const versions = sideBySide ? run([join(ROOT, 'scripts/test-node-versions.mjs')], { quiet: true }) : undefined;
const main = await run([VITEST, 'run']);
const mainSeconds = Math.round((performance.now() - started) / 1000);
const passes = versions ? await versions : await run([join(ROOT, 'scripts/test-node-versions.mjs')]);
if (versions) process.stdout.write(passes.output);
console.log(`\nNode ${process.version}: ${main.ok ? 'passed' : 'FAILED'} in ${mainSeconds} s; Node 22 and 24: ${passes.ok ? 'passed' : 'FAILED'}; all done in ${Math.round((performance.now() - started) / 1000)} s`);
process.exit(main.ok && passes.ok ? 0 : 1);
