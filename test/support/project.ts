import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ProjectOptions {
  /** Commit the files to a new git repository. */
  git?: boolean;
  /** The `.gitignore` of that repository (default: node_modules). */
  gitignore?: string;
  /** The package.json text, or false for none (default: an ES module package named shop). */
  packageJson?: string | false;
  /** Link this repository's node_modules (default), or leave the project without any, as before an install. */
  nodeModules?: boolean;
}

/**
 * A throwaway project in os.tmpdir(), outside this repository, resolving packages from its node_modules.
 * The caller removes `dir` when done.
 */
export function makeProject(prefix: string, files: Record<string, string | Buffer>, options: ProjectOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (options.nodeModules !== false) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  if (options.packageJson !== false) writeFileSync(join(dir, 'package.json'), options.packageJson ?? JSON.stringify({ name: 'shop', type: 'module' }));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  if (options.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    writeFileSync(join(dir, '.gitignore'), options.gitignore ?? 'node_modules\n');
    git('add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
  }
  return dir;
}
