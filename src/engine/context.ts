import { ts } from './typescript.cjs';
import { tracingWrappers, type TracingWrapper } from '../targets/tracing-wrappers.js';
import type { LoopTarget, Target } from '../targets/types.js';
import { importedSpecifiers } from './candidates.js';
import { EditList } from './edits.js';
import { CodeStyle, ImportPlan } from './imports.js';
import type { InstrumentOptions, LLMConvention, SiteReport, TracedElsewhere } from './instrument.js';
import { importOrigin, unwrapExpression, valueDeclarationOf } from './resolve.js';
import { containsAwait, containsYield } from './syntax.js';
import type { TargetIndex } from './target-index.js';

const OPT_OUT = /otelify-ignore(?!-)/;

/**
 * One file being rewritten: its program, the edits and imports made so far, and the call sites reported.
 * Matchers find join points in it; roles instrument them through it.
 */
export class FileContext {
  readonly edits = new EditList();
  readonly sites: SiteReport[] = [];
  readonly style: CodeStyle;
  readonly imports: ImportPlan;
  readonly convention: LLMConvention;
  readonly streamUsage: boolean;
  readonly compilerOptions: ts.CompilerOptions;
  /** Loop targets worth typing loops for in this file (typing every loop is costly). */
  readonly loops: LoopTarget[];
  /** Receive requests already given the propagation fields. */
  readonly requestFieldsWrapped = new Set<ts.Node>();
  /** LLM commands built in this file and not sent where they are built, and the targets this file sends. */
  readonly unsentCommands: SiteReport[] = [];
  readonly sentTargets = new Set<string>();
  /** Libraries a process-wide tracer traces, as set up for this file's package. */
  readonly tracedElsewhere: ReadonlyMap<string, TracedElsewhere> | undefined;

  constructor(
    readonly file: ts.SourceFile,
    readonly checker: ts.TypeChecker,
    readonly options: InstrumentOptions,
    readonly index: TargetIndex,
  ) {
    this.compilerOptions = options.compilerOptions;
    this.style = new CodeStyle(file, options.formatSettings?.(file.fileName), !options.keepLineNumbers);
    this.imports = new ImportPlan(
      file,
      this.style,
      options.runtimeSpecifier(file.fileName),
      options.keepLineNumbers,
      (module) => !!ts.resolveModuleName(module, file.fileName, options.compilerOptions, ts.sys).resolvedModule?.isExternalLibraryImport,
      options.adapterSpecifier,
    );
    // Typing every `for … of` and `.map` of a file is costly on generic-heavy code (it can infer the whole
    // call that makes the list): loops are looked at only in files that name a message library or type.
    this.loops = index.loops.filter((t) => t.modules.some((m) => file.text.includes(m)) || t.elementTypes.some((name) => new RegExp(`\\b${name}\\b`).test(file.text)));
    this.convention = options.convention ?? 'llm';
    this.streamUsage = options.streamUsage ?? false;
    this.tracedElsewhere = options.tracedElsewhere?.(file.fileName);
  }

  site(target: Target, node: ts.Node): SiteReport | undefined {
    const start = node.getStart(this.file);
    const { line, character } = this.file.getLineAndCharacterOfPosition(start);
    const report: SiteReport = {
      file: this.file.fileName,
      line: line + 1,
      column: character + 1,
      target: target.id,
      library: target.library,
      role: target.role,
      action: 'instrumented',
    };
    this.sites.push(report);
    if (this.isOptedOut(line)) {
      report.action = 'skipped';
      report.reason = 'otelify-ignore comment';
      return undefined;
    }
    return report;
  }

  isOptedOut(line: number): boolean {
    const lines = this.file.getLineStarts();
    const from = lines[Math.max(0, line - 1)] ?? 0;
    const to = lines[line + 1] ?? this.file.text.length;
    return OPT_OUT.test(this.file.text.slice(from, to));
  }

  done(site: SiteReport): void {
    site.action = 'instrumented';
  }

  already(site: SiteReport, reason?: string): void {
    site.action = 'already-instrumented';
    if (reason) site.reason = reason;
  }

  skip(site: SiteReport, reason: string): void {
    site.action = 'skipped';
    site.reason = reason;
  }

  /**
   * The arrow the wrapped call goes in: `async` when the call's receiver is awaited (`(await getQueue()).add(...)`)
   * and the call returns a promise anyway, so its type stays as it was; undefined when it cannot go in one.
   */
  arrowFor(spanned: ts.Expression): string | undefined {
    const receiver = ts.isCallExpression(spanned) ? spanned.expression : undefined;
    if (!receiver || !containsAwait(receiver)) return '() => ';
    if (containsYield(receiver)) return undefined;
    const type = this.checker.getTypeAtLocation(spanned);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    const members = type.isUnion() ? type.types : [type];
    return members.every((member) => this.checker.getPropertyOfType(member, 'then') !== undefined) ? 'async () => ' : undefined;
  }

  /**
   * A property read in the call (`this.queue` after `if (this.queue)`) whose type there is narrower than its
   * declared type: TypeScript forgets that narrowing inside the arrow the call goes in, so the rewrite would
   * stop type-checking. Variables and parameters keep theirs in a closure made after their last assignment.
   */
  narrowedInCall(spanned: ts.Expression): ts.PropertyAccessExpression | undefined {
    let found: ts.PropertyAccessExpression | undefined;
    const visit = (node: ts.Node): void => {
      if (found || ts.isFunctionLike(node)) return;
      if (ts.isPropertyAccessExpression(node)) {
        const symbol = this.checker.getSymbolAtLocation(node.name);
        if (symbol && symbol.flags & ts.SymbolFlags.Property && this.checker.getTypeAtLocation(node) !== this.checker.getTypeOfSymbol(symbol)) found = node;
      }
      ts.forEachChild(node, visit);
    };
    visit(spanned);
    return found;
  }

  /** Why a receiver may have no type: the library's typings are missing here, or else a project import did not resolve. */
  whyUntyped(target: Target): string {
    // The file's own specifiers first: a package may have typings only for its subpaths (@langchain/core 0.x).
    const specifiers = [...target.modules.flatMap((module) => importedSpecifiers(this.file.text, module)), target.modules[0]!];
    const typed = specifiers.some((specifier) => ts.resolveModuleName(specifier, this.file.fileName, this.compilerOptions, ts.sys).resolvedModule);
    if (typed) return 'a project import did not resolve';
    const typings = target.modules.filter((module) => module.startsWith('@types/'));
    return `the typings of ${target.modules[0]} were not found${typings.length > 0 ? `; it needs ${typings.join(' or ')}` : ''}`;
  }

  /** The version of the package that `module` resolves to from this file. */
  installedVersion(module: string): string | undefined {
    return ts.resolveModuleName(module, this.file.fileName, this.compilerOptions, ts.sys).resolvedModule?.packageId?.version;
  }

  /** A tracing library's wrapper that made the receiver (`observeOpenAI(new OpenAI())`), at any level of its chain. */
  tracingWrapperOf(receiver: ts.Expression): TracingWrapper | undefined {
    for (let node: ts.Expression = unwrapExpression(receiver); ; node = unwrapExpression(node.expression)) {
      const declaration = valueDeclarationOf(this.checker, ts.isPropertyAccessExpression(node) ? node.name : node);
      const initializer = declaration && (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) ? declaration.initializer : undefined;
      const made = initializer ? unwrapExpression(initializer) : ts.isCallExpression(node) ? node : undefined;
      if (made && ts.isCallExpression(made)) {
        const callee = unwrapExpression(made.expression);
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        const module = importOrigin(this.checker, callee);
        const found = tracingWrappers.find((w) => w.name === name && w.module === module);
        if (found) return found;
      }
      if (!ts.isPropertyAccessExpression(node)) return undefined;
    }
  }

  /** Whether an expression is a function, as far as its syntax or (known) type says. */
  callability(node: ts.Expression): 'yes' | 'no' | 'unknown' {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return 'yes';
    if (ts.isObjectLiteralExpression(node)) return 'no';
    const type = this.checker.getNonNullableType(this.checker.getTypeAtLocation(node));
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'unknown';
    if (type.getCallSignatures().length > 0) return 'yes';
    return type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection) ? 'no' : 'unknown';
  }
}
