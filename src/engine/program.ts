import { isBuiltin } from 'node:module';
import { dirname, resolve } from 'node:path';
import { getLibFiles, ts } from './typescript.cjs';

export interface SourceInput {
  path: string;
  text: string;
}

function defaultEsLib(target: ts.ScriptTarget | undefined): string {
  const year: Partial<Record<ts.ScriptTarget, string>> = {
    [ts.ScriptTarget.ES2015]: 'es2015',
    [ts.ScriptTarget.ES2016]: 'es2016',
    [ts.ScriptTarget.ES2017]: 'es2017',
    [ts.ScriptTarget.ES2018]: 'es2018',
    [ts.ScriptTarget.ES2019]: 'es2019',
    [ts.ScriptTarget.ES2020]: 'es2020',
    [ts.ScriptTarget.ES2021]: 'es2021',
  };
  return `lib.${(target !== undefined && year[target]) || 'es2022'}.d.ts`;
}

const optionsByConfig = new Map<string, ts.CompilerOptions>();
const filesByConfig = new Map<string, Set<string> | undefined>();

/**
 * The tsconfig that compiles `file`: the nearest tsconfig.json, or, when that one only references other
 * projects (a solution file such as Vite's, whose `tsconfig.app.json` holds `paths` and the module settings),
 * the referenced project that includes the file. Undefined when no tsconfig is found.
 */
export function tsconfigOf(file: string): string | undefined {
  const target = resolve(file);
  if (!configByFile.has(target)) configByFile.set(target, findTsconfigOf(target));
  return configByFile.get(target);
}

const configByFile = new Map<string, string | undefined>();

function findTsconfigOf(file: string): string | undefined {
  const nearest = ts.findConfigFile(dirname(file), ts.sys.fileExists, 'tsconfig.json');
  if (!nearest) return undefined;
  const read = ts.readConfigFile(nearest, ts.sys.readFile);
  const references = (read.config?.references as { path?: string }[] | undefined) ?? [];
  if (read.error || references.length === 0) return nearest;
  for (const reference of references) {
    if (typeof reference.path !== 'string') continue;
    const path = ts.resolveProjectReferencePath({ path: resolve(dirname(nearest), reference.path) });
    if (includedFiles(path)?.has(file)) return path;
  }
  return nearest;
}

function includedFiles(configPath: string): Set<string> | undefined {
  if (!filesByConfig.has(configPath)) {
    const parsed = ts.sys.fileExists(configPath) ? ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} }) : undefined;
    filesByConfig.set(configPath, parsed ? new Set(parsed.fileNames.map((f) => resolve(f))) : undefined);
  }
  return filesByConfig.get(configPath);
}

/** Compiler options of the tsconfig that compiles `file` (see {@link tsconfigOf}), tuned for analysis. */
export function compilerOptionsForFile(file: string): ts.CompilerOptions {
  return optionsOf(tsconfigOf(file));
}

/** Compiler options of the nearest tsconfig.json, tuned for analysis: JS allowed, nothing emitted. */
export function compilerOptionsFor(startDir: string): ts.CompilerOptions {
  return optionsOf(ts.findConfigFile(startDir, ts.sys.fileExists, 'tsconfig.json'));
}

function optionsOf(configPath: string | undefined): ts.CompilerOptions {
  const key = configPath ?? '';
  const cached = optionsByConfig.get(key);
  if (cached) return cached;
  let options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    esModuleInterop: true,
  };
  if (configPath) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (!read.error) {
      // Only the options matter: a host that lists no files spares enumerating the project.
      const host: ts.ParseConfigHost = { ...ts.sys, readDirectory: () => [] };
      options = ts.parseJsonConfigFileContent(read.config, host, dirname(configPath), undefined, configPath).options;
    }
  }
  const result = analysisOptions(options);
  optionsByConfig.set(key, result);
  return result;
}

/** A project's compiler options tuned for analysis: JS allowed, nothing emitted, only the types matching needs. */
export function analysisOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  return {
    ...options,
    allowJs: true,
    checkJs: false,
    noEmit: true,
    skipLibCheck: true,
    // Node runs every file as a module of its own; TypeScript would treat a JS file that only `require`s
    // as a global script, so two such files' top-level `const channel` would collide.
    moduleDetection: ts.ModuleDetectionKind.Force,
    // Matching needs the language's own types (Promise, arrays), not the DOM: the default lib for a target
    // includes the DOM declarations, the largest file a program would parse.
    lib: options.lib ?? [defaultEsLib(options.target)],
    // Imported packages' types are found through their imports; do not load every @types package up front.
    types: options.types ?? [],
  };
}

const LIB_FOLDER = '/__otelify_typescript_lib__';
let libFiles: Map<string, string> | undefined;

/** A lib .d.ts file of the TypeScript otelify bundles, not a file on disk. */
export const isBundledLib = (fileName: string) => fileName.startsWith(`${LIB_FOLDER}/`);

function libText(fileName: string): string | undefined {
  if (!isBundledLib(fileName)) return undefined;
  libFiles ??= new Map(getLibFiles().map((f) => [f.fileName, f.text]));
  return libFiles.get(fileName.slice(LIB_FOLDER.length + 1));
}

/**
 * Parsed declaration files (lib.d.ts, @types, packages' typings), shared by every program this process makes:
 * they do not change during a run, and re-parsing them dominates the cost of analysing one file at a time
 * (the jscodeshift and bundler front doors).
 */
const declarationCache = new Map<string, ts.SourceFile>();

/** Past this much heap, the parsed declarations are let go between programs rather than kept for the next. */
const DECLARATION_CACHE_HEAP_LIMIT = 1_500_000_000;

/** Lets the shared declarations go when memory is short (a monorepo's programs together parse tens of thousands). */
export function releaseDeclarationsIfLarge(): void {
  if (process.memoryUsage().heapUsed > DECLARATION_CACHE_HEAP_LIMIT) declarationCache.clear();
}

/**
 * A program over the given sources (their text may differ from disk) so the checker can resolve what each
 * call site calls. Imports are resolved from disk relative to each file.
 */
export function createProgram(sources: SourceInput[], options: ts.CompilerOptions): ts.Program {
  const byPath = new Map(sources.map((source) => [resolve(source.path), source.text]));
  const host = ts.createCompilerHost(options, true);
  // @ts-morph/common bundles TypeScript without its lib .d.ts files on disk; it ships their text instead.
  host.getDefaultLibLocation = () => LIB_FOLDER;
  host.getDefaultLibFileName = (opts) => `${LIB_FOLDER}/${ts.getDefaultLibFileName(opts)}`;
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = byPath.get(resolve(fileName));
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true, scriptKindOf(fileName));
    const lib = libText(fileName);
    if (lib !== undefined) {
      const key = `lib:${fileName}`;
      let cached = declarationCache.get(key);
      if (!cached) declarationCache.set(key, (cached = ts.createSourceFile(fileName, lib, languageVersion, true, ts.ScriptKind.TS)));
      return cached;
    }
    if (!fileName.endsWith('.d.ts') && !fileName.includes('/node_modules/')) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    // Declarations parse the same under every target: one copy per file and module format, whatever the
    // tsconfig's target, so a monorepo's programs (ES2015 here, ES2022 there) share them.
    const format = typeof languageVersion === 'object' ? languageVersion.impliedNodeFormat : undefined;
    const key = `${format ?? ''}:${fileName}`;
    let cached = declarationCache.get(key);
    if (!cached) {
      const latest = typeof languageVersion === 'object' ? { ...languageVersion, languageVersion: ts.ScriptTarget.Latest } : ts.ScriptTarget.Latest;
      cached = getSourceFile(fileName, latest, onError, shouldCreate);
      if (cached) declarationCache.set(key, cached);
    }
    return cached;
  };
  skipNodeTypes(host, options);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => byPath.has(resolve(fileName)) || libText(fileName) !== undefined || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => byPath.get(resolve(fileName)) ?? libText(fileName) ?? readFile(fileName);
  return ts.createProgram({ rootNames: [...byPath.keys()], options, host });
}

/**
 * Module resolutions, shared by the programs of one run that have the same options (the bundler and
 * jscodeshift front doors make one program per file): node_modules does not change during a run.
 */
const moduleCaches = new Map<string, ts.ModuleResolutionCache>();

function moduleCacheFor(host: ts.CompilerHost, options: ts.CompilerOptions): ts.ModuleResolutionCache {
  const key = `${host.getCurrentDirectory()}\0${JSON.stringify(options)}`;
  let cache = moduleCaches.get(key);
  if (!cache) moduleCaches.set(key, (cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => host.getCanonicalFileName(f), options)));
  return cache;
}

/**
 * Node's own declarations (@types/node, 2 MB) are most of what a program would parse, and matching never
 * needs them: call sites resolve to the queue libraries' declarations. Builtin modules and the `node` type
 * reference are left unresolved.
 */
function skipNodeTypes(host: ts.CompilerHost, options: ts.CompilerOptions): void {
  const moduleCache = moduleCacheFor(host, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, containingSourceFile) =>
    literals.map((literal) => {
      if (isBuiltin(literal.text)) return { resolvedModule: undefined };
      const mode = ts.getModeForUsageLocation(containingSourceFile, literal, opts);
      return ts.resolveModuleName(literal.text, containingFile, opts, host, moduleCache, redirected, mode);
    });
  host.resolveTypeReferenceDirectiveReferences = (references, containingFile, redirected, opts, containingSourceFile) =>
    references.map((reference) => {
      const name = typeof reference === 'string' ? reference : reference.fileName.toLowerCase();
      if (name === 'node') return { resolvedTypeReferenceDirective: undefined };
      const mode = typeof reference === 'string' || !containingSourceFile ? undefined : ts.getModeForFileReference(reference, containingSourceFile.impliedNodeFormat);
      return ts.resolveTypeReferenceDirective(name, containingFile, opts, host, redirected, undefined, mode);
    });
}

export function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export interface ParseError {
  line: number;
  column: number;
  message: string;
}

/** The first syntax error of a file, or undefined when it parses. */
export function parseErrorOf(sourceFile: ts.SourceFile): ParseError | undefined {
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics;
  const first = diagnostics?.[0];
  if (!first) return undefined;
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(first.start);
  return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(first.messageText, '\n') };
}
