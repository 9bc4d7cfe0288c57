import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';

// Loaded when a walk happens: a bundler plugin whose kept scan is still valid never walks, and starts sooner.
const load = createRequire(import.meta.url);
type Ignore = typeof import('ignore');
const ignore: Ignore = ((options?: Parameters<Ignore>[0]) => (load('ignore') as Ignore)(options)) as Ignore;
const globSync = (pattern: string, options: import('tinyglobby').GlobOptions): string[] => (load('tinyglobby') as typeof import('tinyglobby')).globSync(pattern, options);

export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];
const SOURCE = new RegExp(`\\.(${SOURCE_EXTENSIONS.join('|')})$`);
const DECLARATION = /\.d\.[cm]?ts$/;
/** Never rewritten: dependencies and the usual build output folders. */
const ALWAYS_IGNORED = ['**/node_modules/**', '**/dist/**', '**/build/**', '**/out/**', '**/.next/**', '**/coverage/**', '**/.git/**'];

export class PathError extends Error {}

/**
 * Source files under the given paths, skipping node_modules, build output, declaration files, what
 * .gitignore ignores and the config's `exclude` globs. Explicit file arguments are taken as given.
 */
export async function findSourceFiles(paths: string[], options: { exclude?: string[]; excludeRoot?: string } = {}): Promise<string[]> {
  return findSourceFilesSync(paths, options);
}

/** {@link findSourceFiles}, synchronously: for a bundler plugin that must know its files before the build. */
export function findSourceFilesSync(paths: string[], options: { exclude?: string[]; excludeRoot?: string } = {}): string[] {
  const files = new Set<string>();
  const excluded = ignore().add(options.exclude ?? []);
  const isExcluded = (file: string) => {
    const rel = relative(options.excludeRoot ?? process.cwd(), file);
    return !rel.startsWith('..') && rel !== '' && excluded.ignores(rel.split(sep).join('/'));
  };
  for (const path of paths) {
    const absolute = resolve(path);
    if (!existsSync(absolute)) throw new PathError(`no such file or directory: ${path}`);
    if (statSync(absolute).isFile()) {
      if (SOURCE.test(absolute) && !DECLARATION.test(absolute)) files.add(absolute);
      continue;
    }
    const found = gitListedFiles(absolute) ?? globbed(absolute);
    for (const file of found) if (SOURCE.test(file) && !DECLARATION.test(file) && !isExcluded(file)) files.add(file);
  }
  return [...files].sort();
}

/** Tracked and untracked-but-not-ignored files, when the folder is inside a git work tree. */
function gitListedFiles(dir: string): string[] | undefined {
  try {
    // A folder that git itself ignores was named on purpose: walk it without git (its .gitignore still applies).
    const ignoredFolder = spawnSync('git', ['check-ignore', '-q', dir], { cwd: dir, stdio: 'ignore' }).status === 0;
    if (ignoredFolder) return undefined;
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    });
    const ignored = ignore().add(ALWAYS_IGNORED.map((g) => g.replace(/^\*\*\//, '').replace(/\/\*\*$/, '/')));
    return out
      .split('\0')
      .filter((f) => f && !ignored.ignores(f))
      .map((f) => join(dir, f))
      .filter((f) => existsSync(f));
  } catch {
    return undefined;
  }
}

function globbed(dir: string): string[] {
  const files = globSync(`**/*.{${SOURCE_EXTENSIONS.join(',')}}`, { cwd: dir, absolute: true, ignore: ALWAYS_IGNORED, dot: false });
  const gitignore = join(dir, '.gitignore');
  if (!existsSync(gitignore)) return files;
  const rules = ignore().add(readFileSync(gitignore, 'utf8'));
  return files.filter((f) => !rules.ignores(relative(dir, f).split(sep).join('/')));
}
