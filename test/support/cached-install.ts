import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CACHE = resolve(import.meta.dirname, '../../node_modules/.cache/otelify-packages');

/**
 * The node_modules folder of `dependencies` (exact versions) installed from the registry once, into
 * node_modules/.cache: for a test that needs a library at a major the project does not depend on (LangChain 0.x
 * beside 1.x). As dev dependencies they could not sit beside the project's own: a provider package's peer
 * `@langchain/core` would resolve to the project's. Install scripts are not run.
 */
export function cachedInstall(name: string, dependencies: Record<string, string>): string {
  const key = createHash('sha256').update(JSON.stringify(dependencies)).digest('hex').slice(0, 12);
  const home = join(CACHE, `${name}-${key}`);
  const modules = join(home, 'node_modules');
  if (existsSync(join(home, '.installed'))) return modules;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, `.${name}-`));
  try {
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: `otelify-test-${name}`, private: true, dependencies }));
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(join(work, '.installed'), '');
    // Another process may have finished first: its copy is as good.
    if (!existsSync(join(home, '.installed'))) {
      rmSync(home, { recursive: true, force: true });
      renameSync(work, home);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return modules;
}
