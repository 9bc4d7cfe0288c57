// The bundler plugins' analysis, kept on disk between builds. A build whose candidate modules, their imports,
// typings and tsconfig are as the last build saw them reuses its outcome and never loads TypeScript: what is
// left of the plugin's cost is finding the candidates.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Analysis, AnalysedModule } from './analyse.js';

interface Stored {
  /** The candidates' paths and texts, hashed. */
  candidates: string;
  /** Each dependency with the modification time and size it had when analysed. */
  dependencies: [path: string, mtimeMs: number, size: number][];
  modules: AnalysedModule[];
}

export interface AnalysisCache {
  /** The stored outcome for exactly these candidates, if nothing it depends on has changed since. */
  read(candidates: readonly { path: string; text: string }[]): AnalysedModule[] | undefined;
  write(candidates: readonly { path: string; text: string }[], analysis: Analysis): void;
  readonly file: string;
}

/**
 * The cache for one project folder and one set of plugin settings, in the nearest `node_modules/.cache/otelify`
 * (where babel-loader, ESLint and others keep theirs); none when there is no node_modules folder.
 */
export function analysisCache(root: string, settings: unknown): AnalysisCache | undefined {
  const nodeModules = nearest(root, 'node_modules');
  if (!nodeModules) return undefined;
  // The engine that made an outcome is part of its key: a new otelify build must not reuse an old one's.
  const engine = statSync(fileURLToPath(import.meta.url));
  const key = hash(JSON.stringify([root, settings, engine.mtimeMs, engine.size]));
  const file = join(nodeModules, '.cache', 'otelify', `analysis-${key.slice(0, 16)}.json`);
  // npm rewrites this file on every install, so a changed dependency tree is seen even where no typing read changed.
  const installed = join(nodeModules, '.package-lock.json');
  const candidatesHash = (candidates: readonly { path: string; text: string }[]) =>
    hash(JSON.stringify(candidates.map((c) => [c.path, c.text]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))));

  return {
    file,
    read(candidates) {
      let stored: Stored;
      try {
        stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
      } catch {
        return undefined;
      }
      if (stored.candidates !== candidatesHash(candidates)) return undefined;
      for (const [path, mtimeMs, size] of stored.dependencies) {
        const now = statSync(path, { throwIfNoEntry: false });
        if (!now || now.mtimeMs !== mtimeMs || now.size !== size) return undefined;
      }
      return stored.modules;
    },
    write(candidates, analysis) {
      try {
        const dependencies = [...analysis.dependencies, ...(existsSync(installed) ? [installed] : [])].map((path): Stored['dependencies'][number] => {
          const { mtimeMs, size } = statSync(path);
          return [path, mtimeMs, size];
        });
        const stored: Stored = { candidates: candidatesHash(candidates), dependencies, modules: analysis.modules };
        mkdirSync(dirname(file), { recursive: true });
        // Another build may read it at any moment: it sees the old file or the new one, never half of one.
        const partial = `${file}.${process.pid}.tmp`;
        writeFileSync(partial, JSON.stringify(stored));
        renameSync(partial, file);
      } catch {
        // A cache that cannot be written costs the next build its analysis, nothing more.
      }
    },
  };
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

function nearest(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}
