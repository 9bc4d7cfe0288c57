// `otelify init [path]`: writes the OpenTelemetry SDK bootstrap of a service and wires it in (the start script's
// preload flag, or Next.js's instrumentation file), and declares the SDK packages in package.json. It refuses,
// writing nothing, where a tracer is set up already or a file it would write exists.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import pc from 'picocolors';
import { ADVICE, CATEGORY_LABELS, classifyKey } from '../check/pii.js';
import { EXIT } from '../cli/apply.js';
import type { Output } from '../cli/output.js';
import { uncommittedChanges } from '../files/git.js';
import { addDependencies, packageManagerOf, replaceScript } from '../files/package-json.js';
import { acquireLock, LockedError, lockPathFor, preflight, writeAll, type PlannedWrite } from '../files/transaction.js';
import { findSourceFilesSync } from '../files/walk.js';
import { findTracingSetups } from '../targets/global-tracers.js';
import { bootstrapSource, INIT_HEADER, nextInstrumentationSource, type Sampling } from './bootstrap.js';
import { planLayout, ProjectError, readProject, rel, type Layout, type Project } from './project.js';
import { sdkDependencies, SDK_RANGES } from './sdk-packages.js';

export interface InitOptions {
  path?: string | undefined;
  dry?: boolean | undefined;
  force?: boolean | undefined;
  sampling?: string | undefined;
  ratio?: string | undefined;
  baggageKeys?: string | undefined;
}

export const DEFAULT_BAGGAGE_KEYS = ['tenant.id', 'request.priority'];
/** A W3C baggage key is an HTTP token. */
const BAGGAGE_KEY = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Set-ups in tests register tracers for the tests only: they are no reason to refuse. */
const TEST_FILE = /(?:^|\/)(?:test|tests|__tests__|__mocks__|spec|e2e)\/|\.(?:test|spec)\.[cm]?[jt]sx?$/;
const LARGEST_SOURCE = 5 * 1024 * 1024;

interface Planned {
  path: string;
  before: string | undefined;
  after: string;
  /** What the summary says of it. */
  what: string;
}

/** `otelify init`: returns the exit code; never calls process.exit. */
export async function init(options: InitOptions, out: Output): Promise<number> {
  const settings = settingsOf(options);
  if ('error' in settings) {
    out.error(settings.error);
    return EXIT.usage;
  }
  const path = options.path ?? '.';
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    out.error(`${path} is not a folder: give the folder of the package to set up (default: .)`);
    return EXIT.usage;
  }
  let project: Project;
  try {
    project = readProject(path);
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    out.error(error.message);
    return EXIT.usage;
  }
  const writing = !options.dry;
  let lock: ReturnType<typeof acquireLock> | undefined;
  if (writing) {
    try {
      lock = acquireLock(lockPathFor(project.root, project.root));
    } catch (error) {
      out.error(`${error instanceof LockedError ? error.message : `cannot take the lock: ${(error as Error).message}`}; nothing was written`);
      return EXIT.usage;
    }
  }
  try {
    if (writing && !options.force) {
      const dirty = uncommittedChanges([project.root]);
      if (dirty.length > 0) {
        out.error(
          `the git work tree has uncommitted changes under ${shown(project.root)}:\n${dirty.slice(0, 10).map((l) => `  ${l}`).join('\n')}\n` +
            'Please commit or stash them first, so that what init writes can be reviewed and reverted on its own. ' +
            'Use --force to override this safety check, or --dry to only see what it would write.',
        );
        return EXIT.usage;
      }
    }
    return await run(project, settings, { dry: !writing, lock }, out);
  } finally {
    lock?.release();
  }
}

interface Settings {
  sampling: Sampling;
  baggageKeys: string[];
}

function settingsOf(options: InitOptions): Settings | { error: string } {
  const kind = options.sampling ?? 'tail';
  if (kind !== 'tail' && kind !== 'head') return { error: `--sampling is tail or head, not ${kind}` };
  let sampling: Sampling = { kind: 'tail' };
  if (kind === 'head') {
    if (options.ratio === undefined) return { error: '--sampling head needs --ratio, the share of new traces to keep (0 to 1, e.g. 0.1)' };
    const ratio = Number(options.ratio);
    if (options.ratio.trim() === '' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) return { error: `--ratio is a number from 0 to 1, not ${options.ratio}` };
    sampling = { kind: 'head', ratio };
  } else if (options.ratio !== undefined) {
    return { error: '--ratio applies to --sampling head only (with tail sampling every span is kept and the Collector decides)' };
  }
  const baggageKeys = options.baggageKeys === undefined ? DEFAULT_BAGGAGE_KEYS : [...new Set(options.baggageKeys.split(',').map((k) => k.trim()).filter(Boolean))];
  const invalid = baggageKeys.filter((key) => !BAGGAGE_KEY.test(key));
  if (invalid.length > 0) return { error: `--baggage-keys: ${invalid.join(', ')} ${invalid.length === 1 ? 'is not a baggage key' : 'are not baggage keys'} (W3C baggage keys are HTTP tokens: letters, digits and !#$%&'*+-.^_\`|~)` };
  // Copied onto every span: the same rule as `otelify check` applies to attribute keys.
  const personal = baggageKeys.flatMap((key) => {
    const match = classifyKey(key);
    return match ? [`${key} names ${CATEGORY_LABELS[match.category]} (${ADVICE[match.category]})`] : [];
  });
  if (personal.length > 0) return { error: `--baggage-keys: every span would carry personal data: ${personal.join('; ')}` };
  return { sampling, baggageKeys };
}

async function run(project: Project, settings: Settings, context: { dry: boolean; lock: ReturnType<typeof acquireLock> | undefined }, out: Output): Promise<number> {
  const layout = planLayout(project);

  // ---- an existing set-up: ours (nothing to do) or another (refuse) ----
  const setups = findTracingSetups(projectTexts(project), (file) => rel(project.root, file));
  const ours = (where: string) => readFileSync(resolve(project.root, where.replace(/:\d+$/, '')), 'utf8').startsWith(INIT_HEADER);
  const others = setups.filter((setup) => !ours(setup.where));
  if (others.length > 0) {
    out.error(
      `a tracer is set up in this project already, so otelify init adds no second one (two would fight over the global tracer provider):\n` +
        others.map((s) => `  ${s.where}  ${s.by}`).join('\n') +
        '\nNothing was written. Remove that set-up to use the one init writes, or keep it (otelify apply works with any SDK).',
    );
    return EXIT.usage;
  }
  if (setups.length > 0) {
    out.line(`${pc.bold('otelify init')}: already done here (${setups.map((s) => s.where).join(', ')}); nothing written`);
    if (layout.wiring.kind === 'script' && layout.wiring.before !== layout.wiring.after) {
      out.line(`  ${pc.cyan('note')} the start script does not load it: make it \`${layout.wiring.after}\``);
    }
    return EXIT.ok;
  }

  // ---- plan ----
  const planned: Planned[] = [];
  const exists = [layout.bootstrap, ...(layout.next && !layout.next.exists ? [layout.next.file] : [])].filter((file) => existsSync(file));
  if (exists.length > 0) {
    out.error(`${exists.map((f) => shown(f)).join(' and ')} ${exists.length === 1 ? 'exists' : 'exist'}: otelify init does not overwrite files. Nothing was written; move ${exists.length === 1 ? 'it' : 'them'} away and run it again.`);
    return EXIT.usage;
  }
  const sampling = settings.sampling.kind === 'head' ? `head, ratio ${settings.sampling.ratio}` : 'tail (every span kept; the Collector decides)';
  const bootstrap = bootstrapSource({ language: layout.language, format: layout.format, serviceName: project.serviceName, sampling: settings.sampling, baggageKeys: settings.baggageKeys, loadedBy: layout.loadedBy });
  const baggage = settings.baggageKeys.length > 0 ? `baggage keys copied onto spans: ${settings.baggageKeys.join(', ')}` : 'no baggage copied onto spans';
  planned.push({ path: layout.bootstrap, before: undefined, after: bootstrap, what: `the OpenTelemetry SDK bootstrap: OTLP/HTTP traces, service.name ${project.serviceName}, sampling ${sampling}, ${baggage}` });
  if (layout.next && !layout.next.exists) {
    planned.push({ path: layout.next.file, before: undefined, after: nextInstrumentationSource(layout.language, layout.next.nodeModule), what: `Next.js's register(): loads ${rel(project.root, layout.bootstrap)} in the Node.js runtime` });
  }

  let packageJson = project.packageJsonText;
  const notes = [...layout.notes];
  const edit = addDependencies(packageJson, sdkDependencies());
  packageJson = edit.text;
  for (const { name, field } of edit.presentElsewhere) notes.push(`package.json lists ${name} in ${field} only: the bootstrap imports it at run time, so it belongs in dependencies`);
  let scriptChange: string | undefined;
  if (layout.wiring.kind === 'script' && layout.wiring.before !== layout.wiring.after) {
    packageJson = replaceScript(packageJson, 'start', layout.wiring.after);
    scriptChange = `scripts.start: \`${layout.wiring.before}\` -> \`${layout.wiring.after}\``;
  }
  if (packageJson !== project.packageJsonText) {
    planned.push({ path: project.packageJsonPath, before: project.packageJsonText, after: packageJson, what: [scriptChange, edit.added.length > 0 ? `dependencies + ${edit.added.map((name) => `${name}@${SDK_RANGES[name as keyof typeof SDK_RANGES]}`).join(', ')}` : undefined].filter(Boolean).join('; ') });
  }

  // ---- write: all or nothing ----
  if (context.dry) {
    for (const write of planned) out.diff(rel(process.cwd(), write.path) || write.path, write.before ?? '', write.after, write.before === undefined);
  } else if (context.lock) {
    const failed = await commit(planned, context.lock, out);
    if (failed !== undefined) return failed;
  }
  summarise(project, layout, planned, notes, context.dry, out);
  return EXIT.ok;
}

/** The project's source files (tests aside) and its package.json, whose scripts may preload a tracer. */
function projectTexts(project: Project): { path: string; text: string }[] {
  const files = findSourceFilesSync([project.root], { excludeRoot: project.root }).filter((file) => !TEST_FILE.test(rel(project.root, file)));
  const texts = files.flatMap((path) => {
    try {
      return statSync(path).size > LARGEST_SOURCE ? [] : [{ path, text: readFileSync(path, 'utf8') }];
    } catch {
      return [];
    }
  });
  return [...texts, { path: project.packageJsonPath, text: project.packageJsonText }];
}

async function commit(planned: Planned[], lock: ReturnType<typeof acquireLock>, out: Output): Promise<number | undefined> {
  const writes: PlannedWrite[] = planned.map((p) => ({ path: p.path, before: p.before === undefined ? undefined : Buffer.from(p.before, 'utf8'), after: Buffer.from(p.after, 'utf8') }));
  const refused = writes.flatMap((write) => {
    const why = preflight(write, {});
    return why ? [`${shown(write.path)} cannot be written: ${why}`] : [];
  });
  if (refused.length > 0) {
    for (const message of refused) out.error(message);
    out.error('nothing was written: every file is left as it was');
    return EXIT.fileFailed;
  }
  lock.record(writes);
  const result = await writeAll(writes);
  for (const failure of result.failures) out.error(`${shown(failure.file)}: ${failure.message}`);
  if (result.interrupted) {
    lock.release();
    out.error(`interrupted by ${result.interrupted}: ${result.failures.length === 0 ? 'every file was put back as it was' : 'some files could not be put back (listed above)'}`);
    process.kill(process.pid, result.interrupted);
    return 128 + (result.interrupted === 'SIGINT' ? 2 : 15);
  }
  if (result.failures.length > 0) {
    out.error(result.failures.some((f) => f.message.startsWith('was written')) ? 'a write failed and some files could not be put back (listed above)' : 'a write failed, so every file written before it was put back: the project is as it was');
    return EXIT.fileFailed;
  }
  return undefined;
}

function summarise(project: Project, layout: Layout, planned: Planned[], notes: string[], dry: boolean, out: Output): void {
  const kind = `${layout.language === 'ts' ? 'TypeScript' : 'JavaScript'}, ${layout.format === 'esm' ? 'ES module' : 'CommonJS'}${layout.next ? ', Next.js' : ''}`;
  out.line(`${pc.bold('otelify init')}${dry ? pc.dim(' (dry run: nothing written)') : ''}: ${project.serviceName} (${kind})`);
  for (const write of planned) {
    const verb = write.before === undefined ? (dry ? 'would write' : 'wrote') : dry ? 'would change' : 'changed';
    out.line(`  ${verb} ${rel(project.root, write.path)}: ${write.what}`);
  }
  const { wiring } = layout;
  if (wiring.kind === 'manual') out.line(`  ${pc.yellow('to do')} ${wiring.reason}; add ${wiring.add}`);
  if (layout.next?.exists) {
    out.line(`  ${pc.yellow('to do')} ${rel(project.root, layout.next.file)} exists and is left as it is; add to its register():`);
    out.line(`      if (process.env.NEXT_RUNTIME === 'nodejs') await import('${layout.next.nodeModule}');`);
  }
  for (const note of notes) out.line(`  ${pc.cyan('note')} ${note}`);
  const manager = packageManagerOf(project.root);
  const steps = [`${manager.install}`];
  const scripts = project.manifest.scripts ?? {};
  // A compiled bootstrap exists once the project is built (Next.js builds its instrumentation file too).
  const built = layout.next !== undefined || (layout.language === 'ts' && wiring.kind === 'script' && !/\.[cm]?ts\b/.test(wiring.after));
  if (built && typeof scripts.build === 'string') steps.push(`${manager.name} run build`);
  if (wiring.kind !== 'manual' && typeof scripts.start === 'string') steps.push(`${manager.name} start`);
  out.line(
    `${dry ? 'After init, run' : 'Now run'} ${steps.map((s) => pc.bold(s)).join(', then ')}. ` +
      'Spans go to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318); set OTEL_SERVICE_NAME to name the service otherwise.',
  );
}

function shown(file: string): string {
  const path = relative(process.cwd(), file);
  return path === '' ? '.' : path.startsWith('..') ? file : path.split(sep).join('/');
}
