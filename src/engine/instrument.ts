import type { SourceMap } from 'magic-string';
import { ts } from './typescript.cjs';
import type { Target } from '../targets/types.js';
import type { GlobalTracer } from '../targets/global-tracers.js';
import { createImportResolver } from './candidates.js';
import { FileContext } from './context.js';
import type { FormatSettings } from './format-settings.js';
import { visitCall, visitNew } from './match/calls.js';
import { visitMethod } from './match/decorators.js';
import { visitLoop } from './match/loops.js';
import { createProgram, parseErrorOf, type ParseError, type SourceInput } from './program.js';
import { projectImports } from './resolve.js';
import { TargetIndex } from './target-index.js';

export type SiteAction = 'instrumented' | 'already-instrumented' | 'skipped';

export interface SiteReport {
  file: string;
  line: number;
  column: number;
  target: string;
  library: string;
  role: Target['role'];
  action: SiteAction;
  reason?: string;
  /** Something the user should know about an instrumented site (the SDK also traces itself). */
  note?: string;
}

export interface FileOutcome {
  path: string;
  /** The rewritten text, or undefined when nothing changed. */
  output?: string;
  map?: SourceMap;
  sites: SiteReport[];
  parseError?: ParseError;
  /** The rewritten file imports the otelify runtime. */
  usesRuntime: boolean;
}

/** Who traces a library's calls for the whole process, where that is set up, and what otelify does then. */
export interface TracedElsewhere {
  by: string;
  where: string;
  effect: GlobalTracer['effect'];
}

export interface InstrumentOptions {
  targets: Target[];
  /** Import specifier of the otelify runtime as seen from `file`. */
  runtimeSpecifier: (file: string) => string;
  /**
   * The module a file that calls this LLM library imports for its side effect (the runtime package's
   * adapter, `@otelify/runtime/openai`); undefined for a vendored runtime, which holds its adapters.
   */
  adapterSpecifier?: (library: string, runtimeSpecifier: string) => string | undefined;
  compilerOptions: ts.CompilerOptions;
  /**
   * Add imports on an existing line, so every line keeps its number: for front doors that compile the
   * rewritten text without a source map back to the original (tsc).
   */
  keepLineNumbers?: boolean;
  /** Attribute names of LLM spans (default `llm`). */
  convention?: LLMConvention;
  /**
   * Ask for token usage on streams where the code does not (OpenAI's `stream_options.include_usage`); the
   * runtime keeps the extra usage-only chunk from the code.
   */
  streamUsage?: boolean;
  /**
   * Libraries another tracer set up elsewhere in the project traces at every call (Traceloop, Sentry's AI
   * integrations, OpenTelemetry's auto-instrumentations), with who and where: such LLM sites are skipped,
   * such queue sites are instrumented with a note; with `unless-off`, the target's `ownTelemetry` decides.
   * Per file: in a monorepo each package has its own set-up.
   */
  tracedElsewhere?: (fileName: string) => ReadonlyMap<string, TracedElsewhere> | undefined;
  /** The target modules the project imports anywhere; an untyped call is reported as a possible site only of those. */
  importedLibraries?: () => ReadonlySet<string>;
  /** Called with the program the analysis built: which files it read tells when its outcome goes stale. */
  onProgram?: (program: ts.Program) => void;
  /**
   * The project's formatter settings for a file (format-settings.ts): inserted code follows them and breaks
   * where a line would be too long. Without it, quotes, semicolons, indentation and width follow the file.
   */
  formatSettings?: (file: string) => FormatSettings | undefined;
}

/** `llm`: otelify's `llm.*` names; `genai`: the OpenTelemetry GenAI semantic conventions v1.41; `both`. */
export type LLMConvention = 'llm' | 'genai' | 'both';

/** How the reason of a call site the checker could not judge begins (reports count them by it). */
export const POSSIBLE_SITE = 'possible call site not rewritten';

/** Rewrites every matched call site of the given files; returns one outcome per file, in order. */
export function instrumentSources(sources: SourceInput[], options: InstrumentOptions): FileOutcome[] {
  if (sources.length === 0) return [];
  let program: ts.Program;
  try {
    program = createProgram(sources, options.compilerOptions);
  } catch (error) {
    // One file the compiler cannot take (nesting deep enough to exhaust the stack) must not cost the others
    // their analysis: each is analysed on its own, and only the one that fails is reported.
    if (sources.length === 1 || !(error instanceof RangeError)) return sources.map((source) => cannotAnalyse(source.path, error));
    return sources.flatMap((source) => instrumentSources([source], options));
  }
  options.onProgram?.(program);
  const checker = program.getTypeChecker();
  const index = new TargetIndex(options.targets);
  const resolveImport = createImportResolver((path) => program.getSourceFile(path) !== undefined);
  projectImports.set(checker, (from, specifier) => {
    const path = resolveImport(from, specifier);
    return path === undefined ? undefined : program.getSourceFile(path);
  });
  return sources.map((source) => {
    const sourceFile = program.getSourceFile(source.path);
    if (!sourceFile) throw new Error(`otelify: ${source.path} was not loaded`);
    const parseError = parseErrorOf(sourceFile);
    if (parseError) return { path: source.path, sites: [], parseError, usesRuntime: false };
    try {
      return instrumentFile(sourceFile, checker, options, index);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return cannotAnalyse(source.path, error);
    }
  });
}

function cannotAnalyse(path: string, error: unknown): FileOutcome {
  const why = error instanceof RangeError ? 'its code is nested too deeply to analyse' : `it cannot be analysed (${String((error as Error)?.message ?? error)})`;
  return { path, sites: [], parseError: { line: 1, column: 1, message: why }, usesRuntime: false };
}

/** Every join point of one file, matched and instrumented. */
function instrumentFile(file: ts.SourceFile, checker: ts.TypeChecker, options: InstrumentOptions, index: TargetIndex): FileOutcome {
  const ctx = new FileContext(file, checker, options, index);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) visitCall(ctx, node);
    else if (ts.isNewExpression(node)) visitNew(ctx, node);
    else if (ts.isForOfStatement(node)) visitLoop(ctx, node);
    else if (ts.isMethodDeclaration(node)) visitMethod(ctx, node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  // A command built by a helper and sent in this file is reported once, at its send.
  const sentHere = new Set(ctx.unsentCommands.filter((site) => ctx.sentTargets.has(site.target)));
  const sites = ctx.sites.filter((site) => !sentHere.has(site));
  const path = file.fileName;
  for (const site of sites) if (site.role === 'llm' && site.action !== 'skipped') ctx.imports.adapter(site.library);
  if (ctx.edits.isEmpty && !ctx.imports.addsAdapters) return { path, sites, usesRuntime: ctx.imports.hasRuntimeImport };
  ctx.imports.apply(ctx.edits);
  const { code, map } = ctx.edits.apply(file.text, path, ctx.style.layout);
  return { path, output: code === file.text ? undefined : code, map, sites, usesRuntime: true };
}
