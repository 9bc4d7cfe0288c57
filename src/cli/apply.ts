import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { targetsFor } from '../config.js';
import { instrumentSources, type LLMConvention, type SiteReport } from '../engine/instrument.js';
import { createPrefilter } from '../engine/prefilter.js';
import { compilerOptionsFor } from '../engine/program.js';
import { uncommittedChanges } from '../files/git.js';
import { writeAtomically } from '../files/write.js';
import { flavorFor, runtimePathFor, runtimeSpecifier } from '../runtime/placement.js';
import { llmParts, partsIn, RUNTIME_HEADER, runtimeSource, type RuntimeFlavor, type RuntimePart } from '../runtime/source.js';
import { resolveInputs } from './inputs.js';
import { Output } from './output.js';

export interface ApplyOptions {
  paths: string[];
  dry?: boolean;
  json?: boolean;
  force?: boolean;
  config?: string;
  only?: string[];
  verbose?: boolean;
  convention?: LLMConvention;
}

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, fileFailed: 1, usage: 2 } as const;

const RUNTIME_BASENAME = 'otelify.runtime';
const RUNTIME_PLACEHOLDER = '\0otelify-runtime\0';

export interface ApplyReport {
  files: { scanned: number; parsed: number; changed: number; unchanged: number; failed: number };
  sites: SiteReport[];
  failures: { file: string; line?: number; column?: number; message: string }[];
  written: string[];
  runtime: string[];
  dry: boolean;
}

/** `otelify apply`: returns the exit code; never calls process.exit. */
export async function apply(options: ApplyOptions, out: Output): Promise<number> {
  const inputs = await resolveInputs(options.paths, options.config);
  if ('error' in inputs) {
    out.error(inputs.error);
    return EXIT.usage;
  }
  const { paths, loaded, files } = inputs;
  const { config } = loaded;
  const targets = targetsFor(config, options.only);
  if (options.only && targets.length === 0) {
    out.error(`--only ${options.only.join(',')} matches no library or target`);
    return EXIT.usage;
  }

  if (!options.dry && !options.force) {
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
    files: { scanned: files.length, parsed: 0, changed: 0, unchanged: 0, failed: 0 },
    sites: [],
    failures: [],
    written: [],
    runtime: [],
    dry: !!options.dry,
  };

  const prefilter = createPrefilter(targets);
  const candidates: { path: string; text: string }[] = [];
  const progress = out.progress(files.length, 'scanning');
  let existingRuntime: string | undefined;
  for (const file of files) {
    progress.tick();
    if (basename(file).startsWith(`${RUNTIME_BASENAME}.`)) {
      existingRuntime ??= file.slice(0, file.lastIndexOf('.'));
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      report.failures.push({ file, message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    if (prefilter(text)) candidates.push({ path: file, text });
  }
  progress.done();

  // Where the runtime goes depends on which files change, so the engine writes a placeholder specifier that
  // is replaced once that is known (it sits inside the inserted import line, so source maps are unaffected).
  const texts = new Map(candidates.map((c) => [c.path, c.text]));
  const outcomes = instrumentSources(candidates, {
    targets,
    compilerOptions: compilerOptionsFor(resolve(paths[0]!)),
    runtimeSpecifier: () => RUNTIME_PLACEHOLDER,
    convention: options.convention ?? config.convention,
    streamUsage: config.streamUsage,
  });
  const changedFiles = outcomes.filter((o) => o.output !== undefined).map((o) => o.path);
  const runtimeBase = config.runtimeFile
    ? resolve(loaded.root, config.runtimeFile.replace(/\.[cm]?[jt]s$/, ''))
    : (existingRuntime ?? (changedFiles.length > 0 ? join(commonDirectory(changedFiles), RUNTIME_BASENAME) : undefined));
  for (const outcome of outcomes) {
    if (outcome.output === undefined || !runtimeBase) continue;
    const text = texts.get(outcome.path) ?? '';
    const specifier = runtimeSpecifier(outcome.path, text, runtimePathFor(runtimeBase, flavorFor(outcome.path, text)));
    outcome.output = outcome.output.replace(RUNTIME_PLACEHOLDER, specifier);
  }

  report.files.parsed = candidates.length;
  const flavors = new Set<RuntimeFlavor>();
  for (const outcome of outcomes) {
    report.sites.push(...outcome.sites);
    if (outcome.parseError) {
      const { line, column, message } = outcome.parseError;
      report.failures.push({ file: outcome.path, line, column, message });
      continue;
    }
    if (outcome.output === undefined) {
      report.files.unchanged++;
      continue;
    }
    report.files.changed++;
    flavors.add(flavorFor(outcome.path, texts.get(outcome.path) ?? ''));
  }
  report.files.unchanged += files.length - candidates.length - (existingRuntime ? 1 : 0);

  const writes: { path: string; before: string | undefined; after: string }[] = [];
  for (const outcome of outcomes) {
    if (outcome.output !== undefined && !outcome.parseError) writes.push({ path: outcome.path, before: texts.get(outcome.path), after: outcome.output });
  }
  if (runtimeBase) {
    for (const flavor of flavors) {
      const path = runtimePathFor(runtimeBase, flavor);
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      // The parts this run's call sites use, and those an earlier run wrote for files outside these paths.
      const parts = [...new Set([...partsUsed(report.sites), ...partsIn(before ?? '')])];
      const source = runtimeSource(flavor, { tracerName: config.tracerName, prices: config.prices, promptHash: config.promptHash, parts });
      if (before !== undefined && !before.startsWith(RUNTIME_HEADER)) {
        report.failures.push({ file: path, message: 'exists and was not written by otelify; set `runtimeFile` in the config to place the runtime elsewhere' });
        continue;
      }
      report.runtime.push(path);
      if (before !== source) writes.push({ path, before, after: source });
    }
  }

  for (const write of writes) {
    if (options.dry) {
      if (options.json) continue;
      const isRuntime = report.runtime.includes(write.path);
      // The runtime is the same generated file for everyone: name it rather than print 300 lines (--verbose does).
      if (isRuntime && !options.verbose) out.note(`${write.before === undefined ? 'new file' : 'updated'} ${relativePath(write.path)}: the otelify runtime helper (${write.after.split('\n').length} lines; --verbose prints it)`);
      else out.diff(relativePath(write.path), write.before ?? '', write.after, write.before === undefined);
      continue;
    }
    try {
      writeAtomically(write.path, write.after);
      report.written.push(write.path);
    } catch (error) {
      report.failures.push({ file: write.path, message: `cannot write: ${(error as Error).message}` });
    }
  }
  report.files.failed = report.failures.length;

  if (options.json) out.json(toJson(report));
  else out.summary(report, !!options.verbose);
  return report.failures.length > 0 ? EXIT.fileFailed : EXIT.ok;
}

function partsUsed(sites: SiteReport[]): RuntimePart[] {
  return [...new Set(sites.filter((s) => s.action !== 'skipped').flatMap((s): RuntimePart[] => (s.role === 'llm' ? llmParts(s.library) : ['queues'])))];
}

function commonDirectory(files: string[]): string {
  const parts = files.map((f) => dirname(f).split(sep));
  const first = parts[0] ?? [];
  let length = first.length;
  for (const p of parts) {
    let i = 0;
    while (i < length && p[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(sep) || sep;
}

export function relativePath(file: string): string {
  const rel = relative(process.cwd(), file);
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
  };
}
