// What the bundler plugins keep on disk between builds. The analysis: a build whose candidate modules, their
// imports, typings and tsconfig are as the last build saw them reuses its outcome and never loads TypeScript.
// The scan: which of the project's files are candidates, so a build where no file came, went or changed
// finds them from the files' times and sizes without walking the project or reading every file.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nearest } from '../files/nearest.js';
import type { ModuleFacts } from '../engine/candidates.js';
import type { Analysis, AnalysedModule } from './analyse.js';

interface Stored {
  engine: string;
  /** The candidates' paths and texts, hashed. */
  candidates: string;
  /** Each dependency with the modification time and size it had when analysed. */
  dependencies: [path: string, mtimeMs: number, size: number][];
  modules: AnalysedModule[];
}

export interface AnalysisCache {
  /** The stored outcome for exactly these candidates, if nothing it depends on has changed since. */
  read(candidates: readonly Candidate[]): AnalysedModule[] | undefined;
  write(candidates: readonly Candidate[], analysis: Analysis): void;
  readonly file: string;
}

/**
 * The cache for one project folder and one set of plugin settings, in the nearest `node_modules/.cache/otelify`
 * (where babel-loader, ESLint and others keep theirs); none when there is no node_modules folder.
 */
export function analysisCache(root: string, settings: unknown): AnalysisCache | undefined {
  const place = cacheFile(root, 'analysis', settings);
  if (!place) return undefined;
  const { file, engine, nodeModules } = place;
  // npm rewrites this file on every install, so a changed dependency tree is seen even where no typing read changed.
  const installed = join(nodeModules, '.package-lock.json');
  const candidatesHash = (candidates: readonly Candidate[]) =>
    hash(JSON.stringify(candidates.map((c) => [c.path, c.text]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))));

  return {
    file,
    read(candidates) {
      const stored = readKept<Stored>(file, engine);
      if (!stored || stored.candidates !== candidatesHash(candidates)) return undefined;
      return stored.dependencies.every(([path, mtimeMs, size]) => unchanged(path, mtimeMs, size)) ? stored.modules : undefined;
    },
    write(candidates, analysis) {
      try {
        const dependencies = [...analysis.dependencies, ...(existsSync(installed) ? [installed] : [])].map((path): Stored['dependencies'][number] => {
          const { mtimeMs, size } = statSync(path);
          return [path, mtimeMs, size];
        });
        const stored: Stored = { engine, candidates: candidatesHash(candidates), dependencies, modules: analysis.modules };
        writeWhole(file, stored);
      } catch {
        // A cache that cannot be written costs the next build its analysis, nothing more.
      }
    },
  };
}

export interface Candidate {
  path: string;
  text: string;
}

/** A file as the last scan saw it, by its time and size then: what it imports, and whether it is a candidate. */
type ScannedFile = [path: string, mtimeMs: number, size: number, facts: ModuleFacts, candidate: 0 | 1];

interface StoredScan {
  engine: string;
  files: ScannedFile[];
  /** Every folder under the root (a file added or removed changes its folder's time) and every .gitignore. */
  watched: [path: string, mtimeMs: number][];
}

export interface ScanCache {
  /**
   * The candidates, from the last scan where no file came or went since: a file whose time or size changed
   * is read again, and when any did, `select` judges the whole project anew from the kept facts of the rest
   * (an edit to one module can make its importers candidates). Undefined when the project must be walked.
   */
  read(select: (files: { path: string; text: string; facts?: ModuleFacts }[]) => { candidates: Set<string>; facts: Map<string, ModuleFacts> }): Candidate[] | undefined;
  /** Keeps a full scan: every source file the walk found under `root`, its facts, and which are candidates. */
  write(root: string, files: { path: string; facts: ModuleFacts; candidate: boolean }[]): void;
}

/** Folders the walk skips (dependencies, build output, tools' caches, git itself): not watched either. */
const UNWATCHED = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', '.git', '.next', '.nuxt', '.svelte-kit', '.turbo', '.cache', '.yarn']);

export function scanCache(root: string, settings: unknown): ScanCache | undefined {
  const place = cacheFile(root, 'scan', settings);
  if (!place) return undefined;
  const { file, engine } = place;
  return {
    read(select) {
      const stored = readKept<StoredScan>(file, engine);
      if (!stored || !stored.watched.every(([path, mtimeMs]) => unchanged(path, mtimeMs))) return undefined;
      const changed = new Map<string, string>();
      for (const [path, mtimeMs, size] of stored.files) {
        const now = statSync(path, { throwIfNoEntry: false });
        if (!now) return undefined;
        if (now.mtimeMs !== mtimeMs || now.size !== size) changed.set(path, readFileSync(path, 'utf8'));
      }
      if (changed.size === 0) {
        return stored.files.filter(([, , , , candidate]) => candidate).map(([path]) => ({ path, text: readFileSync(path, 'utf8') }));
      }
      // Unchanged files are judged from their kept facts; their text is read only if they are candidates.
      const files = stored.files.map(([path, , , facts]) => (changed.has(path) ? { path, text: changed.get(path)! } : { path, text: '', facts }));
      const { candidates, facts } = select(files);
      for (const entry of stored.files) {
        const path = entry[0];
        if (changed.has(path)) {
          const { mtimeMs, size } = statSync(path);
          entry.splice(1, 2, mtimeMs, size);
        }
        entry.splice(3, 2, facts.get(path)!, candidates.has(path) ? 1 : 0);
      }
      try {
        writeWhole(file, stored);
      } catch {
        // The next build judges the changed files again.
      }
      return stored.files.filter(([path]) => candidates.has(path)).map(([path]) => ({ path, text: changed.get(path) ?? readFileSync(path, 'utf8') }));
    },
    write(scanRoot, files) {
      try {
        const stored: StoredScan = {
          engine,
          files: files.map(({ path, facts, candidate }): ScannedFile => {
            const { mtimeMs, size } = statSync(path);
            return [path, mtimeMs, size, facts, candidate ? 1 : 0];
          }),
          watched: watchedUnder(scanRoot).map((path): [string, number] => [path, statSync(path).mtimeMs]),
        };
        writeWhole(file, stored);
      } catch {
        // The next build walks the project again.
      }
    },
  };
}

/** The folders under `root` a new source file could appear in, and the .gitignore files that decide what is walked. */
function watchedUnder(root: string): string[] {
  const folders = [root];
  const ignoreFiles: string[] = [];
  for (let i = 0; i < folders.length; i++) {
    for (const entry of readdirSync(folders[i]!, { withFileTypes: true })) {
      if (entry.name === '.gitignore' && entry.isFile()) ignoreFiles.push(join(folders[i]!, entry.name));
      else if (entry.isDirectory() && !UNWATCHED.has(entry.name)) folders.push(join(folders[i]!, entry.name));
    }
  }
  return [...folders, ...ignoreFiles];
}

/**
 * This cache's file for one project folder and one set of settings (none without a node_modules folder), and
 * the otelify build it must have been written by: a new build of otelify must not reuse an old one's outcome.
 */
function cacheFile(root: string, kind: string, settings: unknown): { file: string; engine: string; nodeModules: string } | undefined {
  const nodeModules = nearest(root, 'node_modules');
  if (!nodeModules) return undefined;
  const key = hash(JSON.stringify([root, settings]));
  return { file: join(nodeModules, '.cache', 'otelify', `${kind}-${key.slice(0, 16)}.json`), engine: engineStamp(), nodeModules };
}

let stamp: string | undefined;

/**
 * Which otelify made an outcome: its version (npm gives every installed file the same time, so an upgrade
 * shows only there) and the engine's and this file's times and sizes (a local build changes those).
 */
function engineStamp(): string {
  if (stamp) return stamp;
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  // Built, these are .js files; the tests run them as .ts sources.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const files = [import.meta.url, new URL(`../engine/instrument${extension}`, import.meta.url).href].map((url) => fileURLToPath(url));
  stamp = [version, ...files.map((file) => {
    const { mtimeMs, size } = statSync(file);
    return `${mtimeMs}:${size}`;
  })].join('|');
  return stamp;
}

/** The file is still there, with the time (and size, when given) it had. */
function unchanged(path: string, mtimeMs: number, size?: number): boolean {
  const now = statSync(path, { throwIfNoEntry: false });
  return now !== undefined && now.mtimeMs === mtimeMs && (size === undefined || now.size === size);
}

/** What a cache file holds, if it is there, whole, and written by this otelify. */
function readKept<T extends { engine: string }>(file: string, engine: string): T | undefined {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as T;
    return stored.engine === engine ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** Another build may read the file at any moment: it sees the old one or the new one, never half of one. */
function writeWhole(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(value));
  renameSync(partial, file);
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
