// What `otelify init` needs to know of a project: its package.json, whether it is TypeScript, Next.js, ESM or
// CommonJS, and where the bootstrap goes so that the service's start command can preload it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { ts } from '../engine/typescript.cjs';
import type { Language, ModuleFormat } from './bootstrap.js';
import { nodeCommandOf, sourceFileOf, withPreload, type NodeCommand } from './start-script.js';

interface Manifest {
  name?: unknown;
  type?: unknown;
  main?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

export interface Project {
  root: string;
  packageJsonPath: string;
  packageJsonText: string;
  manifest: Manifest;
  serviceName: string;
  /** package.json `"type": "module"`: `.js` files are ES modules. */
  esmPackage: boolean;
  next: boolean;
  /** The tsconfig.json at the root (or one it references) that compiles the service, parsed. */
  tsconfigs: ts.ParsedCommandLine[];
  typescript: boolean;
}

/** How the service loads the bootstrap once `init` has run. */
export type StartWiring =
  /** The start script gains the preload flag. */
  | { kind: 'script'; before: string; after: string }
  /** Next.js loads it through register(). */
  | { kind: 'next' }
  /** The user adds it: `reason` says why otelify did not, `add` what to add. */
  | { kind: 'manual'; reason: string; add: string };

export interface Layout {
  language: Language;
  format: ModuleFormat;
  /** The bootstrap file to write. */
  bootstrap: string;
  /** Next.js's instrumentation file that loads the bootstrap, and whether one is there already. */
  next?: { file: string; exists: boolean; nodeModule: string };
  wiring: StartWiring;
  /** How the service loads the bootstrap, for the header of the file. */
  loadedBy: string;
  notes: string[];
}

export class ProjectError extends Error {}

const TS_SOURCE = /\.(?:ts|tsx|mts|cts)$/;
const dependsOn = (manifest: Manifest, name: string) => [manifest.dependencies, manifest.devDependencies].some((deps) => deps !== undefined && typeof deps === 'object' && name in deps);

export function readProject(path: string): Project {
  const root = resolve(path);
  const packageJsonPath = join(root, 'package.json');
  if (!existsSync(packageJsonPath)) throw new ProjectError(`no package.json in ${path}: otelify init sets up the package whose folder it is given`);
  const packageJsonText = readFileSync(packageJsonPath, 'utf8');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(packageJsonText.replace(/^\uFEFF/, '')) as Manifest;
  } catch (error) {
    throw new ProjectError(`${packageJsonPath} does not parse: ${(error as Error).message}`);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) throw new ProjectError(`${packageJsonPath} is not an object`);
  const tsconfigs = readTsconfigs(root);
  return {
    root,
    packageJsonPath,
    packageJsonText,
    manifest,
    serviceName: typeof manifest.name === 'string' && manifest.name !== '' ? manifest.name : basename(root),
    esmPackage: manifest.type === 'module',
    next: dependsOn(manifest, 'next'),
    tsconfigs,
    typescript: tsconfigs.length > 0 || dependsOn(manifest, 'typescript'),
  };
}

/** The root tsconfig.json and the configs it references (a solution-style root lists no files itself). */
function readTsconfigs(root: string): ts.ParsedCommandLine[] {
  const path = join(root, 'tsconfig.json');
  if (!existsSync(path)) return [];
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} };
  const parsed = ts.getParsedCommandLineOfConfigFile(path, {}, host);
  if (!parsed) return [];
  const referenced = (parsed.projectReferences ?? []).flatMap((reference) => {
    const config = ts.resolveProjectReferencePath(reference);
    return existsSync(config) ? [ts.getParsedCommandLineOfConfigFile(config, {}, host)].filter((p) => p !== undefined) : [];
  });
  return [parsed, ...referenced];
}

/** Where the bootstrap goes and how the service will load it. */
export function planLayout(project: Project): Layout {
  return project.next ? nextLayout(project) : nodeLayout(project);
}

function nextLayout(project: Project): Layout {
  const language: Language = project.typescript ? 'ts' : 'js';
  // Next.js looks for instrumentation.* at the root, or in src/ when the app lives there.
  const dir = ['app', 'pages'].some((d) => existsSync(join(project.root, 'src', d))) ? join(project.root, 'src') : project.root;
  const existing = ['ts', 'js', 'mjs', 'mts'].map((ext) => join(dir, `instrumentation.${ext}`)).find((file) => existsSync(file));
  const file = existing ?? join(dir, `instrumentation.${language}`);
  const nodeModule = './instrumentation-node';
  const notes: string[] = [];
  const major = nextMajor(project.manifest);
  if (major !== undefined && major < 15) notes.push(`Next.js ${major} loads instrumentation.${language} only with \`experimental: { instrumentationHook: true }\` in next.config`);
  return {
    language,
    format: 'esm',
    bootstrap: join(dir, `instrumentation-node.${language}`),
    next: { file, exists: existing !== undefined, nodeModule },
    wiring: { kind: 'next' },
    loadedBy: `${rel(project.root, file)}'s register(), in the Node.js runtime only`,
    notes,
  };
}

function nextMajor(manifest: Manifest): number | undefined {
  const range = manifest.dependencies?.next ?? manifest.devDependencies?.next;
  const major = typeof range === 'string' ? /(\d+)/.exec(range)?.[1] : undefined;
  return major === undefined ? undefined : Number(major);
}

function nodeLayout(project: Project): Layout {
  const notes: string[] = [];
  const script = project.manifest.scripts?.start;
  const command = typeof script === 'string' ? nodeCommandOf(script) : undefined;
  const entry = entryOf(project, script, command);

  // Where the bootstrap source goes, what node loads, and in which format.
  let placed: Placement | undefined;
  if (entry && TS_SOURCE.test(entry)) {
    // Run from source (node's type stripping, or a loader given to node).
    const format: ModuleFormat = /\.mts$/.test(entry) || (!/\.cts$/.test(entry) && project.esmPackage) ? 'esm' : 'cjs';
    const bootstrap = join(dirname(entry), 'instrumentation.ts');
    placed = { language: 'ts', format, bootstrap, loaded: bootstrap };
  } else if (entry && project.typescript) {
    placed = compiledPlacement(project, entry, notes);
  }
  if (!placed && entry && !project.tsconfigs.length && /\.[cm]?js$/.test(entry)) {
    const format = formatOfJs(entry, project.esmPackage);
    const bootstrap = join(dirname(entry), `instrumentation.${format === 'esm' ? 'mjs' : 'cjs'}`);
    placed = { language: 'js', format, bootstrap, loaded: bootstrap };
  }
  const fromEntry = placed !== undefined;
  placed ??= defaultPlacement(project, notes);

  const flag = placed.format === 'esm' ? '--import' : '--require';
  const module = `./${rel(project.root, placed.loaded)}`;
  const preload = `${flag} ${module}`;
  let wiring: StartWiring;
  if (typeof script !== 'string') {
    wiring = { kind: 'manual', reason: 'package.json has no start script', add: `node ${preload} ${entry ? rel(project.root, entry) : '<your entry file>'}` };
  } else if (!command || 'reason' in command) {
    wiring = { kind: 'manual', reason: `the start script \`${script}\` is not changed: ${command?.reason ?? 'it is empty'}`, add: `${preload} (on the node command line, or NODE_OPTIONS="${preload}")` };
  } else if (!fromEntry) {
    wiring = { kind: 'manual', reason: `the start script runs ${command.file}, which no tsconfig here compiles (a bundler's output?)`, add: `${preload}, once your build emits ${rel(project.root, placed.bootstrap)} there` };
  } else if (alreadyPreloads(command, module)) {
    wiring = { kind: 'script', before: script, after: script };
  } else {
    wiring = { kind: 'script', before: script, after: withPreload(script, command, flag, module) };
  }
  const loadedBy = wiring.kind === 'script' ? wiring.after : `node ${preload} <entry>`;
  return { language: placed.language, format: placed.format, bootstrap: placed.bootstrap, wiring, loadedBy, notes };
}

/** The file the service starts from: node's script file, else a source file another tool runs, else `main`. */
function entryOf(project: Project, script: unknown, command: NodeCommand | { reason: string } | undefined): string | undefined {
  if (command && 'file' in command) return withExtension(project.root, command.file);
  const other = typeof script === 'string' ? sourceFileOf(script) : undefined;
  if (other !== undefined && existsSync(resolve(project.root, other))) return resolve(project.root, other);
  return typeof project.manifest.main === 'string' ? withExtension(project.root, project.manifest.main) : undefined;
}

interface Placement {
  language: Language;
  format: ModuleFormat;
  /** The file otelify writes. */
  bootstrap: string;
  /** The file node preloads: the bootstrap, or what the build compiles it to. */
  loaded: string;
}

/**
 * A TypeScript project whose start script runs a compiled file: the bootstrap goes next to the source of that
 * file, so the same compilation puts it next to the compiled file.
 */
function compiledPlacement(project: Project, entry: string, notes: string[]): Placement | undefined {
  for (const config of project.tsconfigs.flatMap(withInferredRootDir)) {
    const candidates = config.fileNames.filter((file) => TS_SOURCE.test(file) && !/\.d\.[cm]?ts$/.test(file) && stem(file) === stem(entry));
    const source = candidates.find((file) => ts.getOutputFileNames(config, file, false).some((output) => sameFile(output, entry)));
    if (!source) continue;
    const format = emitFormat(config.options, /\.mts$/.test(source) ? 'esm' : /\.cts$/.test(source) ? 'cjs' : project.esmPackage ? 'esm' : 'cjs');
    if (format === undefined) return undefined;
    const ext = /\.mts$/.test(source) ? 'mts' : /\.cts$/.test(source) ? 'cts' : 'ts';
    const bootstrap = join(dirname(source), `instrumentation.${ext}`);
    if (format === 'cjs' && config.options.verbatimModuleSyntax) {
      // Under verbatimModuleSyntax, CommonJS output admits only `import x = require()`: the bootstrap is plain
      // JavaScript next to the source instead, which node loads as it is.
      notes.push(`tsconfig sets verbatimModuleSyntax with CommonJS output: the bootstrap is JavaScript (${rel(project.root, join(dirname(source), 'instrumentation.cjs'))}), loaded from its source`);
      const js = join(dirname(source), 'instrumentation.cjs');
      return { language: 'js', format, bootstrap: js, loaded: js };
    }
    const loaded = join(dirname(entry), `instrumentation.${ext === 'mts' ? 'mjs' : ext === 'cts' ? 'cjs' : 'js'}`);
    return { language: 'ts', format, bootstrap, loaded };
  }
  return undefined;
}

/**
 * The config as read, then (without a rootDir) with the rootDir TypeScript 5 inferred, the folder common to
 * every source: TypeScript 6 takes the tsconfig's folder instead, and a project may build with either.
 */
function withInferredRootDir(config: ts.ParsedCommandLine): ts.ParsedCommandLine[] {
  const sources = config.fileNames.filter((file) => !/\.d\.[cm]?ts$/.test(file));
  if (config.options.rootDir !== undefined || sources.length === 0) return [config];
  let common = dirname(sources[0]!);
  for (const file of sources) while (!(file + sep).startsWith(common.endsWith(sep) ? common : common + sep)) common = dirname(common);
  return [config, { ...config, options: { ...config.options, rootDir: common } }];
}

/** No entry otelify could follow: a TypeScript bootstrap in src/ (compiled by the project's build), else JavaScript at the root. */
function defaultPlacement(project: Project, notes: string[]): Placement {
  const config = project.tsconfigs.find((c) => c.fileNames.length > 0);
  if (config) {
    const dir = existsSync(join(project.root, 'src')) ? join(project.root, 'src') : project.root;
    const bootstrap = join(dir, 'instrumentation.ts');
    const format = emitFormat(config.options, project.esmPackage ? 'esm' : 'cjs') ?? 'cjs';
    // The compiler asks that the file be one of the project's: it is, once written.
    const output = ts.getOutputFileNames({ ...config, fileNames: [...config.fileNames, bootstrap] }, bootstrap, false).find((file) => /\.[cm]?js$/.test(file));
    if (output) return { language: 'ts', format, bootstrap, loaded: output };
    notes.push('the tsconfig emits no JavaScript (noEmit, or a bundler builds the service): add the bootstrap to what your build emits and preload its output');
    return { language: 'ts', format, bootstrap, loaded: bootstrap };
  }
  const format: ModuleFormat = project.esmPackage ? 'esm' : 'cjs';
  const bootstrap = join(project.root, `instrumentation.${format === 'esm' ? 'mjs' : 'cjs'}`);
  return { language: 'js', format, bootstrap, loaded: bootstrap };
}

/** What tsc emits for a `.ts` file under these options; undefined for AMD, UMD and System. */
function emitFormat(options: ts.CompilerOptions, packageFormat: ModuleFormat): ModuleFormat | undefined {
  switch (options.module) {
    case ts.ModuleKind.CommonJS:
      return 'cjs';
    case ts.ModuleKind.Node16:
    case ts.ModuleKind.Node18:
    case ts.ModuleKind.Node20:
    case ts.ModuleKind.NodeNext:
    case undefined:
      return packageFormat;
    case ts.ModuleKind.AMD:
    case ts.ModuleKind.UMD:
    case ts.ModuleKind.System:
    case ts.ModuleKind.None:
      return undefined;
    default:
      return 'esm';
  }
}

function formatOfJs(file: string, esmPackage: boolean): ModuleFormat {
  const ext = extname(file);
  return ext === '.mjs' ? 'esm' : ext === '.cjs' ? 'cjs' : esmPackage ? 'esm' : 'cjs';
}

/** The file node runs for `dist/index` (node adds `.js`), as an absolute path. */
function withExtension(root: string, file: string): string {
  const absolute = resolve(root, file);
  return extname(absolute) === '' && !existsSync(absolute) ? `${absolute}.js` : absolute;
}

function alreadyPreloads(command: NodeCommand, module: string): boolean {
  return command.preloads.some((preload) => preload === module || `./${preload}` === module);
}

const stem = (file: string) => basename(file).replace(/\.[^.]+$/, '');
const sameFile = (a: string, b: string) => resolve(a) === resolve(b);

export function rel(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}
