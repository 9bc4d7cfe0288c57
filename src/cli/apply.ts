import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { RuntimeMode } from '../config.js';
import { importedSpecifiers, selectCandidates } from '../engine/candidates.js';
import { POSSIBLE_SITE, type FileOutcome, type LLMConvention, type SiteReport, type TracedElsewhere } from '../engine/instrument.js';
import { compilerOptionsForFile } from '../engine/program.js';
import { packageNameOf } from '../engine/resolve.js';
import { ts } from '../engine/typescript.cjs';
import { findGlobalTracers } from '../targets/global-tracers.js';
import { UNCOVERED_LIBRARIES } from '../targets/uncovered.js';
import type { Target } from '../targets/types.js';
import { uncommittedChanges } from '../files/git.js';
import { addDependencies, packageManagerOf } from '../files/package-json.js';
import { readSource, sourceBytes } from '../files/source-text.js';
import { acquireLock, deadRunOf, LockedError, lockPathFor, preflight, writeAll, type PlannedWrite } from '../files/transaction.js';
import { API_PACKAGE, RUNTIME_PACKAGE, runtimeDependencies } from '../runtime/package.js';
import { runtimePathFor } from '../runtime/placement.js';
import { llmParts, partsIn, RUNTIME_HEADER, runtimeSource, type RuntimePart } from '../runtime/source.js';
import { packageDirOf, RUNTIME_BASENAME, vendoredSpecifier, vendorPlacement } from '../runtime/vendor.js';
import { analyseByTsconfig, createSetup, type Setup } from '../setup.js';
import { resolveInputs } from './inputs.js';
import { Output } from './output.js';

export interface ApplyOptions {
  paths: string[];
  dry?: boolean;
  /** Write nothing; exit 1 when files would change (for CI that keeps a tree instrumented). */
  check?: boolean;
  json?: boolean;
  force?: boolean;
  /** Write read-only files too (their mode is kept). */
  forceReadonly?: boolean;
  config?: string;
  only?: string[];
  verbose?: boolean;
  convention?: LLMConvention;
  runtime?: RuntimeMode;
}

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, fileFailed: 1, usage: 2 } as const;

const RUNTIME_PLACEHOLDER = '\0otelify-runtime\0';

export interface ApplyReport {
  /** Source files: scanned = parsed + ruledOut + notRead, and scanned = changed + unchanged + failed. */
  files: { scanned: number; parsed: number; ruledOut: number; notRead: number; changed: number; unchanged: number; failed: number };
  sites: SiteReport[];
  failures: { file: string; line?: number; column?: number; message: string }[];
  written: string[];
  /** Vendored runtime files this run wrote or found up to date. */
  runtime: string[];
  /** Dependencies added to each package.json, as `name@range`. */
  dependencies: { file: string; added: string[] }[];
  /** What to run to install them, once per package manager. */
  install: string[];
  notes: string[];
  dry: boolean;
  /** What happened to the writes, said once at the end. */
  outcome?: string;
}

interface Planned {
  path: string;
  before: string | undefined;
  after: string;
  bom: boolean;
  /** A source file (counted in `files`), not package.json or a runtime file. */
  source: boolean;
}

/** `otelify apply`: returns the exit code; never calls process.exit. */
export async function apply(options: ApplyOptions, out: Output): Promise<number> {
  const links: string[] = [];
  const inputs = await resolveInputs(options.paths, options.config, (note) => links.push(note));
  if ('error' in inputs) {
    out.error(inputs.error);
    return EXIT.usage;
  }
  const { paths, files } = inputs;
  const setup = createSetup({ from: paths[0]!, loaded: inputs.loaded, only: options.only, convention: options.convention, runtime: options.runtime });
  const { loaded, targets } = setup;
  if (options.only && targets.length === 0) {
    out.error(`--only ${options.only.join(',')} matches no library or target`);
    return EXIT.usage;
  }
  const writing = !options.dry && !options.check;
  const lockPath = lockPathFor(existingDir(resolve(paths[0]!)), loaded.root);
  // A writing run holds the tree's lock from the start: a run killed while writing is put back first, before
  // anything is read, so this run plans on the tree as it was.
  let lock: Lock | undefined;
  if (writing) {
    try {
      lock = acquireLock(lockPath);
    } catch (error) {
      out.error(`${error instanceof LockedError ? error.message : `cannot take the lock ${lockPath}: ${(error as Error).message}`}; nothing was written`);
      return EXIT.usage;
    }
  }
  try {
    return await run(options, out, { paths, files, setup, links, writing, lock, lockPath });
  } finally {
    lock?.release();
  }
}

type Lock = ReturnType<typeof acquireLock>;

async function run(
  options: ApplyOptions,
  out: Output,
  context: { paths: string[]; files: string[]; setup: Setup; links: string[]; writing: boolean; lock: Lock | undefined; lockPath: string },
): Promise<number> {
  const { paths, files, setup, links, writing, lock, lockPath } = context;
  const { config, loaded, targets } = setup;

  if (writing && !options.force) {
    const dirty = uncommittedChanges(paths);
    if (dirty.length > 0) {
      out.error(
        `the git work tree has uncommitted changes under ${paths.join(', ')}:\n${dirty.slice(0, 10).map((l) => `  ${l}`).join('\n')}\n` +
          'Please commit or stash them first, so that the rewrite can be reviewed and reverted on its own. ' +
          'Use --force to override this safety check, or --dry to only see the diff.',
      );
      return EXIT.usage;
    }
  }

  const report: ApplyReport = {
    files: { scanned: files.length, parsed: 0, ruledOut: 0, notRead: 0, changed: 0, unchanged: 0, failed: 0 },
    sites: [],
    failures: [],
    written: [],
    runtime: [],
    dependencies: [],
    install: [],
    notes: [],
    dry: !writing,
  };
  if (options.verbose) report.notes.push(...links);
  for (const path of lock?.recovered ?? []) report.notes.push(`a run that was killed while writing had changed ${relativePath(path)}: put back as it was`);
  const dead = !writing ? deadRunOf(lockPath) : undefined;
  if (dead) report.notes.push(`a run (pid ${dead}) was killed while writing and left files changed: run otelify apply without --dry or --check to put them back`);
  const failedSources = new Set<string>();
  const failSource = (file: string, message: string, line?: number, column?: number) => {
    failedSources.add(file);
    report.failures.push({ file, message, ...(line !== undefined ? { line, column } : {}) });
  };

  // ---- read: every source file once, UTF-8 only ----
  const sources: { path: string; text: string }[] = [];
  const boms = new Set<string>();
  const progress = out.progress(files.length, 'scanning');
  // A runtime an earlier run vendored into a package stays that package's runtime.
  const vendored = new Map<string, string>();
  for (const file of files) {
    progress.tick();
    if (basename(file).startsWith(`${RUNTIME_BASENAME}.`)) {
      const packageDir = packageDirOf(file, loaded.root);
      if (!vendored.has(packageDir)) vendored.set(packageDir, file);
      continue;
    }
    let read: ReturnType<typeof readSource>;
    try {
      read = readSource(file);
    } catch (error) {
      report.files.notRead++;
      // Gone since the walk (a runtime file put back after a killed run): nothing to do with it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') failSource(file, `cannot read: ${(error as Error).message}`);
      continue;
    }
    if (read.ok) {
      sources.push({ path: file, text: read.text });
      if (read.bom) boms.add(file);
      continue;
    }
    report.files.notRead++;
    // A file otelify cannot take matters only if it may hold a call site (judged on its bytes as Latin-1).
    if (setup.prefilter(readFileSync(file, 'latin1'))) failSource(file, read.reason, read.line, read.column);
  }
  progress.done();
  const selected = selectCandidates(sources, setup.prefilter).candidates;
  // A library's own sources (the repository of amqplib or openai itself) are never rewritten: their calls
  // are the ones users make, and spans there would nest under every user's own.
  const libraries = new Set(targets.flatMap((t) => t.modules));
  const ownSources = new Map<string, string>();
  const candidates = sources.filter((source) => {
    if (!selected.has(source.path)) return false;
    const name = packageNameOf(packageDirOf(source.path, loaded.root));
    if (!name || !libraries.has(name)) return true;
    ownSources.set(name, relativePath(packageDirOf(source.path, loaded.root)));
    return false;
  });
  for (const [name, dir] of ownSources) report.notes.push(`${dir} is the package ${name} itself: its own sources are left alone`);

  // ---- plan: the engine's rewrite of every candidate, under the tsconfig that compiles it ----
  const runtimeFile = config.runtimeFile ? resolve(loaded.root, config.runtimeFile.replace(/\.[cm]?[jt]s$/, '')) : undefined;
  const vendors = (file: string) => setup.runtime === 'vendor' || vendored.has(packageDirOf(file, loaded.root));
  // A vendored runtime's place depends on which files of its package change, so the engine writes a
  // placeholder specifier that is replaced once that is known (it sits inside the inserted import line, so
  // source maps are unaffected).
  const texts = new Map(candidates.map((c) => [c.path, c.text]));
  // A package's own tracer set-up counts for its files (a monorepo's apps each have theirs); a package with
  // none may get one from a shared package, so the whole run's first set-ups count there.
  const runWide = findGlobalTracers(sources, relativePath);
  const tracersByPackage = new Map<string, ReadonlyMap<string, TracedElsewhere>>();
  // Each source's package is looked up once (it walks the folders up), on the first file asked about.
  let sourcesByPackage: Map<string, typeof sources> | undefined;
  const tracedElsewhere = (file: string) => {
    const dir = packageDirOf(file, loaded.root);
    let found = tracersByPackage.get(dir);
    if (!found) {
      if (!sourcesByPackage) {
        sourcesByPackage = new Map();
        for (const source of sources) {
          const owner = packageDirOf(source.path, loaded.root);
          const group = sourcesByPackage.get(owner);
          if (group) group.push(source);
          else sourcesByPackage.set(owner, [source]);
        }
      }
      found = new Map([...runWide, ...findGlobalTracers(sourcesByPackage.get(dir) ?? [], relativePath)]);
      tracersByPackage.set(dir, found);
    }
    return found;
  };
  // Which libraries the project imports at all: an untyped call is a possible site only of those.
  const allModules = [...new Set(targets.flatMap((t) => t.modules))];
  let imported: Set<string> | undefined;
  const importedLibraries = () => (imported ??= new Set(allModules.filter((module) => sources.some((source) => importedSpecifiers(source.text, module).length > 0))));
  const outcomes = analyseByTsconfig(setup, candidates, { runtimeSpecifier: (file) => (vendors(file) ? RUNTIME_PLACEHOLDER : RUNTIME_PACKAGE), tracedElsewhere, importedLibraries });
  const untypedNotes = untypedLibraries(candidates, outcomes, targets);
  report.notes.push(...untypedNotes, ...uncoveredLibraries(sources));
  const possible = outcomes.flatMap((o) => o.sites).filter((s) => s.reason?.startsWith(POSSIBLE_SITE));
  if (possible.length > 0 && untypedNotes.length === 0) {
    report.notes.push(`${possible.length} possible call site${possible.length === 1 ? '' : 's'} not rewritten: a receiver without a type (a library without typings, or a project import that does not resolve under its tsconfig) that does not trace back to a library import (listed with --verbose and in --json)`);
  }

  report.files.parsed = candidates.length;
  const byPackage = new Map<string, { path: string; text: string }[]>();
  for (const outcome of outcomes) {
    report.sites.push(...outcome.sites);
    if (outcome.parseError) {
      const { line, column, message } = outcome.parseError;
      failSource(outcome.path, message, line, column);
    } else if (outcome.output !== undefined) {
      const packageDir = packageDirOf(outcome.path, loaded.root);
      byPackage.set(packageDir, [...(byPackage.get(packageDir) ?? []), { path: outcome.path, text: texts.get(outcome.path) ?? '' }]);
    }
  }

  const writes: Planned[] = [];
  const specifiers = new Map<string, string>();
  for (const [packageDir, changed] of byPackage) {
    const vendor = changed.some((file) => vendors(file.path));
    if (vendor) {
      const placement = vendorPlacement(packageDir, changed, vendored.get(packageDir), runtimeFile);
      const path = runtimePathFor(placement.base, placement.flavor);
      const existing = statSync(path, { throwIfNoEntry: false });
      const before = existing?.isFile() ? readFileSync(path, 'utf8') : undefined;
      if (existing && (before === undefined || !before.startsWith(RUNTIME_HEADER))) {
        // Its files would import a runtime that is not there: none of them is rewritten.
        const what = existing.isFile() ? 'exists and was not written by otelify' : 'is a folder';
        report.failures.push({ file: path, message: `${what}, so the runtime cannot go there; set \`runtimeFile\` in the config to place it elsewhere` });
        for (const file of changed) failSource(file.path, `not rewritten: its runtime ${relativePath(path)} cannot be written`);
        continue;
      }
      for (const file of changed) specifiers.set(file.path, vendoredSpecifier(file.path, file.text, placement));
      const sites = report.sites.filter((s) => changed.some((file) => file.path === s.file));
      // The parts this run's call sites use, and those an earlier run wrote for files outside these paths.
      const parts = [...new Set([...partsUsed(sites), ...partsIn(before ?? '')])];
      const source = runtimeSource(placement.flavor, { tracerName: config.tracerName, prices: config.prices, promptHash: config.promptHash, errorMessages: config.errorMessages, parts });
      report.runtime.push(path);
      if (before !== source) writes.push({ path, before, after: source, bom: false, source: false });
    }
    declareDependencies(packageDir, runtimeDependencies(vendor), writes, report);
  }
  if (setup.runtime === 'package' && (config.tracerName || config.prices || config.promptHash || config.errorMessages)) {
    report.notes.push(
      `the config's ${['tracerName', 'prices', 'promptHash', 'errorMessages'].filter((k) => config[k as keyof typeof config] !== undefined).join(', ')} apply at run time: ` +
        `call configure() from ${RUNTIME_PACKAGE} at start-up with them (or set "runtime": "vendor" to have them written into a vendored runtime)`,
    );
  }
  for (const outcome of outcomes) {
    if (outcome.output === undefined || outcome.parseError || failedSources.has(outcome.path)) continue;
    const specifier = specifiers.get(outcome.path);
    const after = specifier === undefined ? outcome.output : outcome.output.replace(RUNTIME_PLACEHOLDER, specifier);
    writes.push({ path: outcome.path, before: texts.get(outcome.path), after, bom: boms.has(outcome.path), source: true });
  }
  writes.sort((a, b) => a.path.localeCompare(b.path));

  // ---- write: all or nothing ----
  if (!writing) {
    if (!options.json) showDiffs(writes, report, !!options.verbose, out);
    if (options.check && writes.length > 0) report.outcome = `${writes.length} file${writes.length === 1 ? '' : 's'} would change (--check: nothing written)`;
  } else if (writes.length > 0 && lock) {
    const code = await commit(writes, report, lock, { forceReadOnly: options.forceReadonly }, out);
    if (code !== undefined) return code;
    // A source that was not written keeps none of its call sites' rewrites.
    const written = new Set(report.written);
    for (const write of writes) if (write.source && !written.has(write.path)) failedSources.add(write.path);
  }
  for (const site of report.sites) {
    if (site.action === 'instrumented' && failedSources.has(site.file)) {
      site.action = 'skipped';
      site.reason = 'its file was not written (see the failures)';
    }
  }

  const changedSources = new Set(writes.filter((w) => w.source && !report.failures.some((f) => f.file === w.path)).map((w) => w.path));
  report.files.failed = failedSources.size;
  report.files.changed = writing && report.written.length === 0 && writes.length > 0 ? 0 : changedSources.size;
  report.files.unchanged = report.files.scanned - report.files.changed - report.files.failed;
  report.files.ruledOut = report.files.scanned - report.files.parsed - report.files.notRead;

  if (options.json) out.json(toJson(report));
  else out.summary(report, !!options.verbose);
  if (options.check && writes.length > 0) return EXIT.fileFailed;
  return report.failures.length > 0 ? EXIT.fileFailed : EXIT.ok;
}

/** Checks every write, then writes all or none, under the lock the run holds. Returns an exit code to end with early. */
async function commit(writes: Planned[], report: ApplyReport, lock: Lock, options: { forceReadOnly?: boolean | undefined }, out: Output): Promise<number | undefined> {
  const planned: PlannedWrite[] = writes.map((w) => ({
    path: w.path,
    before: w.before === undefined ? undefined : Buffer.from(sourceBytes(w.before, w.bom), 'utf8'),
    after: Buffer.from(sourceBytes(w.after, w.bom), 'utf8'),
  }));
  const refused = planned.flatMap((write) => {
    const why = preflight(write, options);
    return why ? [{ file: write.path, message: `cannot be written: ${why}` }] : [];
  });
  if (refused.length > 0) {
    report.failures.push(...refused);
    report.outcome = 'nothing was written: every file is left as it was';
    return undefined;
  }
  lock.record(planned);
  const result = await writeAll(planned);
  report.written.push(...result.written);
  report.failures.push(...result.failures);
  if (result.interrupted) {
    lock.release();
    out.error(`interrupted by ${result.interrupted}: ${result.failures.length === 0 ? 'every file was put back as it was' : 'some files could not be put back:'}`);
    for (const failure of result.failures) out.error(`${relativePath(failure.file)}: ${failure.message}`);
    process.kill(process.pid, result.interrupted);
    return 128 + (result.interrupted === 'SIGINT' ? 2 : 15);
  }
  if (result.failures.length > 0) {
    const stuck = result.failures.filter((f) => f.message.startsWith('was written'));
    report.outcome = stuck.length === 0 ? 'a write failed, so every file written before it was put back: the tree is as it was' : `a write failed and ${stuck.length} file(s) could not be put back (listed above)`;
  }
  return undefined;
}

function showDiffs(writes: Planned[], report: ApplyReport, verbose: boolean, out: Output): void {
  for (const write of writes) {
    const isRuntime = report.runtime.includes(write.path);
    // The runtime is the same generated file for everyone: name it rather than print 300 lines (--verbose does).
    if (isRuntime && !verbose) out.note(`${write.before === undefined ? 'new file' : 'updated'} ${relativePath(write.path)}: the otelify runtime helper (${lineCount(write.after)} lines; --verbose prints it)`);
    else out.diff(relativePath(write.path), write.before ?? '', write.after, write.before === undefined);
  }
}

/** The folder itself, or the folder of a file: where to look for the tree's git directory. */
function existingDir(path: string): string {
  return existsSync(path) && !/\.[cm]?[jt]sx?$/.test(path) ? path : dirname(path);
}

/**
 * Adds what rewritten code imports to the dependencies of the package.json that owns it, and notes the
 * install command of the package manager its lockfile names. Never installs.
 */
function declareDependencies(packageDir: string, needs: { name: string; range: string }[], writes: Planned[], report: ApplyReport): void {
  const path = join(packageDir, 'package.json');
  if (!existsSync(path)) {
    report.notes.push(`no package.json owns the files under ${relativePath(packageDir)}: install ${needs.map((n) => n.name).join(' and ')} where they run`);
    return;
  }
  let before: string;
  let edit: ReturnType<typeof addDependencies>;
  try {
    before = readFileSync(path, 'utf8');
    edit = addDependencies(before, needs);
  } catch (error) {
    report.failures.push({ file: path, message: `cannot add the dependencies ${needs.map((n) => n.name).join(', ')}: ${(error as Error).message}` });
    return;
  }
  const typescript = installedTypeScript(packageDir);
  if (typescript && (typescript.major < 4 || (typescript.major === 4 && typescript.minor < 5))) {
    report.notes.push(`${relativePath(path)}: TypeScript ${typescript.version} is installed there; the declarations of ${API_PACKAGE} 1.9 and of the runtime need TypeScript 4.5 or later`);
  }
  for (const { name, field } of edit.presentElsewhere) {
    report.notes.push(`${relativePath(path)} lists ${name} in ${field} only: rewritten code imports it at run time, so it belongs in dependencies`);
  }
  if (edit.added.length === 0) return;
  writes.push({ path, before, after: edit.text, bom: false, source: false });
  report.dependencies.push({ file: path, added: edit.added.map((name) => `${name}@${needs.find((n) => n.name === name)?.range ?? ''}`) });
  const manager = packageManagerOf(packageDir);
  if (!report.install.includes(manager.install)) report.install.push(manager.install);
}

/**
 * Libraries the files import whose typings do not resolve (no install yet, or a broken one): there the
 * checker cannot tell a client's calls, only import tracking does, so coverage may be partial. Said per
 * library, with how many call sites were still found in those files.
 */
/** A note per library otelify has no targets for that the project imports, naming up to three of its files. */
function uncoveredLibraries(sources: { path: string; text: string }[]): string[] {
  return UNCOVERED_LIBRARIES.flatMap(({ module, kind }) => {
    const files = sources.filter((source) => importedSpecifiers(source.text, module).length > 0).map((source) => relativePath(source.path));
    if (files.length === 0) return [];
    const named = files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
    return [`${module} (${kind}) is imported by ${named}: otelify does not instrument it, so its calls get no span`];
  });
}

function untypedLibraries(candidates: { path: string; text: string }[], outcomes: FileOutcome[], targets: Target[]): string[] {
  const modules = [...new Set(targets.flatMap((t) => t.modules))];
  const untyped = new Map<string, string[]>();
  for (const candidate of candidates) {
    for (const module of modules) {
      const specifiers = importedSpecifiers(candidate.text, module);
      if (specifiers.length === 0) continue;
      // A package may have typings only for its subpaths (@langchain/core 0.x has no root entry).
      const options = compilerOptionsForFile(candidate.path);
      if (specifiers.some((specifier) => ts.resolveModuleName(specifier, candidate.path, options, ts.sys).resolvedModule)) continue;
      untyped.set(module, [...(untyped.get(module) ?? []), candidate.path]);
    }
  }
  return [...untyped].map(([module, files]) => {
    const libraries = new Set(targets.filter((t) => t.modules.includes(module)).map((t) => t.library));
    const ofLibrary = outcomes.flatMap((o) => o.sites).filter((s) => libraries.has(s.library));
    const sites = ofLibrary.filter((s) => files.includes(s.file) && s.action !== 'skipped').length;
    const possible = ofLibrary.filter((s) => s.reason?.startsWith(POSSIBLE_SITE)).length;
    const where = files.slice(0, 3).map(relativePath).join(', ') + (files.length > 3 ? `, and ${files.length - 3} more` : '');
    const unsure = possible > 0 ? `, ${possible} possible site${possible === 1 ? '' : 's'} skipped (listed with --verbose and in --json)` : '';
    return `the typings of ${module} were not found from ${where} (run your install first): ${sites} call site${sites === 1 ? '' : 's'} there matched by imports only${unsure}`;
  });
}

/** The text imports or requires `module` (or one of its subpaths), not merely names it in a string. */

/** The TypeScript a package's own type-check would run, if one is installed for it. */
function installedTypeScript(packageDir: string): { version: string; major: number; minor: number } | undefined {
  try {
    const manifest = createRequire(join(packageDir, 'package.json')).resolve('typescript/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const [major = 0, minor = 0] = version.split('.').map(Number);
    return { version, major, minor };
  } catch {
    return undefined;
  }
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function partsUsed(sites: SiteReport[]): RuntimePart[] {
  return [...new Set(sites.filter((s) => s.action !== 'skipped').flatMap((s): RuntimePart[] => (s.role === 'llm' ? llmParts(s.library) : ['queues'])))];
}

export function relativePath(file: string): string {
  const rel = relative(process.cwd(), file);
  if (rel === '') return '.';
  return rel.startsWith('..') ? file : rel.split(sep).join('/');
}

function toJson(report: ApplyReport) {
  return {
    dry: report.dry,
    files: report.files,
    sites: report.sites.map((s) => ({ ...s, file: relativePath(s.file) })),
    failures: report.failures.map((f) => ({ ...f, file: relativePath(f.file) })),
    written: report.written.map(relativePath),
    runtime: report.runtime.map(relativePath),
    dependencies: report.dependencies.map((d) => ({ ...d, file: relativePath(d.file) })),
    install: report.install,
    notes: report.notes,
    ...(report.outcome ? { outcome: report.outcome } : {}),
  };
}
