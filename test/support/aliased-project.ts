import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApplyReport } from '../../src/cli/apply.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/bin.js');

/**
 * A throwaway ES module project in os.tmpdir() whose node_modules has every package of this repository's
 * (linked) except that `aliases` map a name to another package: an installed one by its folder name
 * (`{ ai: 'ai-v7' }`) or a folder elsewhere by its absolute path (`{ '@langchain/core': '/…/core' }`). Code that
 * imports `ai` as users write it gets `ai` 7, both where otelify resolves the import (the installed version it
 * decides by) and where Node loads it. The caller removes `dir` when done.
 */
export function aliasedProject(prefix: string, files: Record<string, string>, aliases: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  const scopes = new Set(Object.keys(aliases).filter((name) => name.startsWith('@')).map((name) => name.split('/')[0]!));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name.startsWith('.') || name in aliases) continue;
    if (!scopes.has(name)) {
      symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
      continue;
    }
    // A scope with an aliased package: its other packages are linked one by one.
    mkdirSync(join(modules, name));
    for (const member of readdirSync(join(ROOT, 'node_modules', name))) {
      if (!(`${name}/${member}` in aliases)) symlinkSync(join(ROOT, 'node_modules', name, member), join(modules, name, member));
    }
  }
  for (const [name, installedAs] of Object.entries(aliases)) {
    const target = isAbsolute(installedAs) ? installedAs : join(ROOT, 'node_modules', installedAs);
    if (!existsSync(target)) throw new Error(`cannot alias ${name} to ${installedAs}`);
    mkdirSync(join(modules, name, '..'), { recursive: true });
    symlinkSync(target, join(modules, name));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** `otelify apply <paths> --json` run in `dir` as a user runs it; throws with its output unless it exits 0. */
export function applyIn(dir: string, ...paths: string[]): ApplyReport {
  const run = spawnSync(process.execPath, [BIN, 'apply', ...paths, '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (run.status !== 0) throw new Error(`otelify apply exited ${run.status}\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout) as ApplyReport;
}

/** Imports a file of such a project, as rewritten. */
export async function importFrom<T>(dir: string, file: string): Promise<T> {
  return (await import(pathToFileURL(join(dir, file)).href)) as T;
}

/**
 * A fixture as `otelify apply` rewrites it in a project with `aliases`, loaded: `load` for `llmTestbed`, and
 * `cleanup` to remove the projects made.
 */
export function aliasedRewrite<P>(aliases: Record<string, string>) {
  const dirs: string[] = [];
  return {
    async load(fixturePath: string): Promise<P> {
      const file = `src/${basename(fixturePath).replace('.input.', '.')}`;
      const dir = aliasedProject('otelify-aliased-', { [file]: readFileSync(fixturePath, 'utf8') }, aliases);
      dirs.push(dir);
      const report = applyIn(dir, 'src');
      if (!report.written.some((path) => path.endsWith(file))) throw new Error(`otelify apply did not rewrite ${file}`);
      return importFrom<P>(dir, file);
    },
    /** The project the last `load` made. */
    get dir(): string | undefined {
      return dirs.at(-1);
    },
    cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
