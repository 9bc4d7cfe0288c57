// `npm run build`: the runtime package, then otelify, from a clean dist (stale files would be packed).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const run = (...args) => execFileSync(process.execPath, args, { stdio: 'inherit' });
rmSync('dist', { recursive: true, force: true });
run('packages/runtime/build.mjs');
run(createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json');
for (const file of ['typescript.cjs', 'typescript.d.cts']) copyFileSync(`src/engine/${file}`, `dist/engine/${file}`);
// npm makes a bin executable when it links it, which in a clone happens before this build creates it.
chmodSync('dist/cli/bin.js', 0o755);
