import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
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
export async function findSourceFiles(paths: string[], options: WalkOptions = {}): Promise<string[]> {
  return findSourceFilesSync(paths, options);
}

export interface WalkOptions {
  exclude?: string[] | undefined;
  excludeRoot?: string | undefined;
  /** Told of each symbolic link the walk resolved or refused. */
  onLink?: ((note: string) => void) | undefined;
}

/**
 * {@link findSourceFiles}, synchronously: for a bundler plugin that must know its files before the build.
 * Files are returned by their real paths, each once however many links lead to it, and never outside the
 * given paths: a link out of them is left alone.
 */
export function findSourceFilesSync(paths: string[], options: WalkOptions = {}): string[] {
  const found = new Set<string>();
  const excluded = ignore().add(options.exclude ?? []);
  const isExcluded = (file: string) => {
    const rel = relative(options.excludeRoot ?? process.cwd(), file);
    return !rel.startsWith('..') && rel !== '' && excluded.ignores(rel.split(sep).join('/'));
  };
  const roots: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    if (!existsSync(absolute)) throw new PathError(`no such file or directory: ${path}`);
    roots.push(realpathSync(absolute));
    if (statSync(absolute).isFile()) {
      if (SOURCE.test(absolute) && !DECLARATION.test(absolute)) found.add(absolute);
      continue;
    }
    const listed = gitListedFiles(absolute) ?? globbed(absolute);
    for (const file of listed) if (SOURCE.test(file) && !DECLARATION.test(file) && !isExcluded(file)) found.add(file);
  }
  const inRoots = (real: string) => roots.some((root) => real === root || real.startsWith(root + sep));
  const files = new Set<string>();
  for (const file of [...found].sort()) {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      options.onLink?.(`${file}: a link to nothing, skipped`);
      continue;
    }
    if (real === file) {
      files.add(file);
    } else if (!inRoots(real)) {
      options.onLink?.(`${file}: a link to ${real}, outside the given paths, skipped`);
    } else {
      options.onLink?.(files.has(real) || found.has(real) ? `${file}: a link to ${real}, which is processed once under its own path` : `${file}: a link, processed as ${real}`);
      files.add(real);
    }
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
