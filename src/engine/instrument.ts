import type { SourceMap } from 'magic-string';
import { ts } from './typescript.cjs';
import { tracingWrappers, type TracingWrapper } from '../targets/tracing-wrappers.js';
import type { ArgRef, ConsumeTarget, DestinationRule, LLMTarget, LoopTarget, ProduceTarget, RequestFieldsTarget, Target } from '../targets/types.js';
import { createImportResolver } from './candidates.js';
import { EditList } from './edits.js';
import type { FormatSettings } from './format-settings.js';
import { providerFromURL } from '../targets/llm-providers.js';
import { CodeStyle, ImportPlan, RUNTIME_NAMESPACE } from './imports.js';
import { createProgram, parseErrorOf, type ParseError, type SourceInput } from './program.js';
import {
  constantString,
  constructionOf,
  constructionsOf,
  creatingCallOf,
  constValueOf,
  findProperty,
  importOrigin,
  isFromModules,
  isFunctionFromModules,
  isInModules,
  objectLiteralOf,
  projectImports,
  resolveConstructor,
  resolveMethodCall,
  unwrapExpression,
  valueDeclarationOf,
} from './resolve.js';

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
   * such queue sites are instrumented with a note.
   */
  tracedElsewhere?: ReadonlyMap<string, { by: string; where: string; effect: 'skip' | 'note' }>;
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

const OPT_OUT = /otelify-ignore(?!-)/;
/** Calls that make a fresh name each time they run. */
const FRESH_NAME = /uuid|random|nanoid|cuid|ulid|generate|unique|tmp|temp|now\b|hrtime|assertQueue|assertExchange|createInbox|inbox/i;
const AWAITED_RECEIVER = "the receiver is awaited and the call's result is not known to be a promise; move the awaited value to a variable first";
/** How the reason of a call site the checker could not judge begins (reports count them by it). */
export const POSSIBLE_SITE = 'possible call site not rewritten';
const RUNTIME_WRAPPERS = new Set(['traceSend', 'traceProcess', 'traceBatch', 'processMessage', 'inject', 'injectCommand', 'requestFields', 'traceLLM', 'llmRequest']);

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
      return new FileInstrumenter(sourceFile, checker, options).run();
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

class FileInstrumenter {
  private readonly edits = new EditList();
  private readonly sites: SiteReport[] = [];
  private readonly style: CodeStyle;
  private readonly imports: ImportPlan;
  private readonly byMethod = new Map<string, Target[]>();
  private readonly byClass = new Map<string, Target[]>();
  private readonly byFunction = new Map<string, Target[]>();
  private readonly loops: LoopTarget[];
  /** Targets whose call site is `new Command(...)` sent by a method (`client.send`), by that method's name. */
  private readonly commandsBySend = new Map<string, (ProduceTarget | LLMTarget)[]>();
  private readonly requestFieldsWrapped = new Set<ts.Node>();
  /** LLM commands built in this file and not sent where they are built, and the targets this file sends. */
  private readonly unsentCommands: SiteReport[] = [];
  private readonly sentTargets = new Set<string>();
  private readonly convention: LLMConvention;
  private readonly streamUsage: boolean;
  private readonly compilerOptions: ts.CompilerOptions;

  constructor(
    private readonly file: ts.SourceFile,
    private readonly checker: ts.TypeChecker,
    private readonly options: InstrumentOptions,
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
    for (const target of options.targets) {
      if (target.role === 'consume-loop') continue;
      const { match } = target;
      const key = match.kind === 'method' ? match.method : match.kind === 'new' ? match.class : match.name;
      const map = match.kind === 'method' ? this.byMethod : match.kind === 'new' ? this.byClass : this.byFunction;
      map.set(key, [...(map.get(key) ?? []), target]);
      if ((target.role === 'produce' || target.role === 'llm') && target.sendMethod && match.kind === 'new') {
        this.commandsBySend.set(target.sendMethod, [...(this.commandsBySend.get(target.sendMethod) ?? []), target]);
      }
    }
    // Typing every `for … of` and `.map` of a file is costly on generic-heavy code (it can infer the whole
    // call that makes the list): loops are looked at only in files that name a message library or type.
    const loops = options.targets.filter((t): t is LoopTarget => t.role === 'consume-loop');
    this.loops = loops.filter((t) => t.modules.some((m) => file.text.includes(m)) || t.elementTypes.some((name) => new RegExp(`\\b${name}\\b`).test(file.text)));
    this.convention = options.convention ?? 'llm';
    this.streamUsage = options.streamUsage ?? false;
  }

  run(): FileOutcome {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) this.visitCall(node);
      else if (ts.isNewExpression(node)) this.visitNew(node);
      else if (ts.isForOfStatement(node)) this.visitLoop(node);
      ts.forEachChild(node, visit);
    };
    visit(this.file);
    // A command built by a helper and sent in this file is reported once, at its send.
    const sentHere = new Set(this.unsentCommands.filter((site) => this.sentTargets.has(site.target)));
    if (sentHere.size > 0) this.sites.splice(0, this.sites.length, ...this.sites.filter((site) => !sentHere.has(site)));
    const path = this.file.fileName;
    for (const site of this.sites) if (site.role === 'llm' && site.action !== 'skipped') this.imports.adapter(site.library);
    if (this.edits.isEmpty && !this.imports.addsAdapters) return { path, sites: this.sites, usesRuntime: this.imports.hasRuntimeImport };
    this.imports.apply(this.edits);
    const { code, map } = this.edits.apply(this.file.text, path, this.style.layout);
    return { path, output: code === this.file.text ? undefined : code, map, sites: this.sites, usesRuntime: true };
  }

  // ---- matching ----------------------------------------------------------------------------------------

  private visitCall(call: ts.CallExpression): void {
    const callee = call.expression;
    if (this.visitFunctionCall(call)) return;
    if (!ts.isPropertyAccessExpression(callee)) return;
    if (this.visitCommandSend(call, callee)) return;
    let matched = false;
    let possible: Target | undefined;
    for (const target of this.byMethod.get(callee.name.text) ?? []) {
      if (target.role === 'consume-loop' || target.match.kind !== 'method') continue;
      // Several targets can share a method (kafkajs `run` with eachMessage or eachBatch): each applies only
      // when the call has its handler.
      if (matched && !this.hasOwnHandler(target, call)) continue;
      if (target.role === 'consume' && !this.mayHoldHandler(call.arguments[target.handler.arg], target.handler)) continue;
      const { types, declaredIn, via } = target.match;
      let resolution = resolveMethodCall(this.checker, call, callee.expression, target.modules, types, declaredIn);
      if (resolution === 'unknown') {
        const origin = importOrigin(this.checker, callee.expression);
        const fromLibrary = isFromModules(origin, target.modules);
        resolution = fromLibrary && (!via || endsWithChain(callee.expression, via)) ? 'match' : 'no-match';
        if (!fromLibrary && (!via || endsWithChain(callee.expression, via)) && this.mayBeUntypedSite(target, call, origin)) possible ??= target;
      }
      if (resolution === 'match') {
        this.instrument(target, call, callee.expression);
        matched = true;
      }
    }
    if (!matched && possible) {
      const site = this.site(possible, call);
      const wrapper = this.tracingWrapperOf(callee.expression);
      if (site && wrapper) this.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
      else if (site) this.skip(site, `${POSSIBLE_SITE}: the receiver has no type here (${this.whyUntyped(possible)}) and does not trace back to an import of ${possible.modules[0]}`);
      return;
    }
    if (!matched) this.visitMessageCallback(call);
  }

  /**
   * A call the checker cannot judge (its receiver is `any`) that has the target's shape, in a file that names
   * the library or whose receiver comes from another module of the project: reported, never rewritten, so
   * that partial coverage is said rather than silent.
   */
  private mayBeUntypedSite(target: Target, call: ts.CallExpression, origin: string | undefined): boolean {
    if (target.role === 'consume-loop') return false;
    const receiver = (call.expression as ts.PropertyAccessExpression).expression;
    if (!(this.checker.getTypeAtLocation(receiver).flags & ts.TypeFlags.Any)) return false;
    const args = call.arguments;
    if (args.length === 0) return false;
    if (target.role === 'produce' && args.length < Math.min(Math.max(target.carrier.arg, 1), 2)) return false;
    if (target.role === 'llm' && !args[target.request.arg]) return false;
    const namesLibrary = target.modules.some((module) => this.file.text.includes(`'${module}`) || this.file.text.includes(`"${module}`));
    const fromProject = origin !== undefined && (origin.startsWith('.') || origin.startsWith('@/') || origin.startsWith('~/') || origin.startsWith('#'));
    if (namesLibrary) return true;
    const imported = fromProject ? this.options.importedLibraries?.() : undefined;
    return fromProject && (!imported || target.modules.some((module) => imported.has(module)));
  }

  /**
   * `client.send(command)` where the command was built before (a variable, a helper's return value): the span
   * goes around the send, which is what takes time and fails. A command built inline is matched by its `new`.
   */
  private visitCommandSend(call: ts.CallExpression, callee: ts.PropertyAccessExpression): boolean {
    const candidates = this.commandsBySend.get(callee.name.text);
    const arg = call.arguments[0];
    if (!candidates || !arg || call.arguments.length !== 1) return false;
    const plain = unwrapExpression(arg);
    if (ts.isNewExpression(plain)) return false;
    const wrapped = isRuntimeCall(plain, 'injectCommand') || isRuntimeCall(plain, 'llmRequest');
    const command = wrapped ? (plain as ts.CallExpression).arguments[0] : arg;
    if (!command) return false;
    const target = this.commandTargetOf(command, candidates);
    if (!target || !this.isLibrarySend(call)) return false;
    this.sentTargets.add(target.id);
    const site = this.site(target, call);
    if (!site) return true;
    if (wrapped || isInsideRuntimeCall(call, target.role === 'llm' ? 'traceLLM' : 'traceSend')) {
      this.already(site);
      return true;
    }
    if (containsAwait(command) || containsYield(command)) {
      this.skip(site, 'the command argument uses await or yield; move it to a variable first');
      return true;
    }
    const construction = constructionOf(this.checker, command);
    if (target.role === 'llm') this.instrumentLLMSend(target, call, command, construction, site);
    else this.instrumentCommandSend(target, call, command, construction, site);
    return true;
  }

  /**
   * The arrow the wrapped call goes in: `async` when the call's receiver is awaited (`(await getQueue()).add(...)`)
   * and the call returns a promise anyway, so its type stays as it was; undefined when it cannot go in one.
   */
  private arrowFor(spanned: ts.Expression): string | undefined {
    const receiver = ts.isCallExpression(spanned) ? spanned.expression : undefined;
    if (!receiver || !containsAwait(receiver)) return '() => ';
    if (containsYield(receiver)) return undefined;
    const type = this.checker.getTypeAtLocation(spanned);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    const members = type.isUnion() ? type.types : [type];
    return members.every((member) => this.checker.getPropertyOfType(member, 'then') !== undefined) ? 'async () => ' : undefined;
  }

  /** `client.send(node)`: the SDK's send method called with `node` as its command. */
  private enclosingSendCall(node: ts.Node, method: string): ts.CallExpression | undefined {
    const parent = node.parent;
    if (!parent || !ts.isCallExpression(parent) || parent.arguments[0] !== node) return undefined;
    const callee = parent.expression;
    return ts.isPropertyAccessExpression(callee) && callee.name.text === method && this.isLibrarySend(parent) ? parent : undefined;
  }

  /** The send method is the SDK's (or the receiver is untyped), not a project's own wrapper of it. */
  private isLibrarySend(call: ts.CallExpression): boolean {
    // The method's declaration from the receiver's type (resolving the call would infer its arguments).
    const method = ts.isPropertyAccessExpression(call.expression) ? this.checker.getSymbolAtLocation(call.expression.name) : undefined;
    const declarations = method?.declarations ?? [];
    if (declarations.length === 0) return true;
    return declarations.some((declaration) => {
      const file = declaration.getSourceFile();
      return file.isDeclarationFile && /[\\/]node_modules[\\/]/.test(file.fileName);
    });
  }

  /** The target whose command class `command` is an instance of: by its type, or without types by its `new`. */
  private commandTargetOf(command: ts.Expression, candidates: (ProduceTarget | LLMTarget)[]): ProduceTarget | LLMTarget | undefined {
    const type = this.checker.getTypeAtLocation(command);
    const symbol = type.flags & ts.TypeFlags.Any ? undefined : type.getSymbol();
    if (symbol) {
      const files = (symbol.declarations ?? []).map((d) => d.getSourceFile().fileName);
      return candidates.find((t) => t.match.kind === 'new' && t.match.class === symbol.getName() && files.some((f) => isInModules(f, t.modules)));
    }
    const construction = constructionOf(this.checker, command);
    if (!construction) return undefined;
    const name = ts.isIdentifier(construction.expression) ? construction.expression.text : ts.isPropertyAccessExpression(construction.expression) ? construction.expression.name.text : undefined;
    const origin = importOrigin(this.checker, construction.expression);
    return candidates.find((t) => t.match.kind === 'new' && t.match.class === name && isFromModules(origin, t.modules));
  }

  /**
   * A `const` holding a command whose every use is as the argument of `send` in the same scope: each send
   * is instrumented (spanned, and the context injected there), so the construction itself stays as it is.
   */
  private isSentThroughVariable(node: ts.NewExpression, sendMethod: string): boolean {
    let holder: ts.Node = node;
    while (holder.parent && (ts.isParenthesizedExpression(holder.parent) || ts.isAsExpression(holder.parent) || ts.isSatisfiesExpression(holder.parent) || ts.isNonNullExpression(holder.parent))) holder = holder.parent;
    const declaration = holder.parent;
    if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.initializer !== holder || !ts.isIdentifier(declaration.name)) return false;
    if (!(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return false;
    const symbol = this.checker.getSymbolAtLocation(declaration.name);
    if (!symbol) return false;
    const scope = enclosingFunction(declaration) ?? this.file;
    let sends = 0;
    let other = false;
    const visit = (n: ts.Node): void => {
      if (other) return;
      if (ts.isIdentifier(n) && n !== declaration.name && this.checker.getSymbolAtLocation(n) === symbol) {
        // A send that an earlier run instrumented passes the command through the runtime first.
        const argument = (isRuntimeCall(n.parent, 'injectCommand') || isRuntimeCall(n.parent, 'llmRequest')) && (n.parent as ts.CallExpression).arguments[0] === n ? n.parent : n;
        const call = argument.parent;
        const isSend = ts.isCallExpression(call) && call.arguments.length === 1 && call.arguments[0] === argument && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === sendMethod && this.isLibrarySend(call);
        if (isSend) sends++;
        else other = true;
      }
      ts.forEachChild(n, visit);
    };
    visit(scope);
    return !other && sends > 0;
  }

  /** `generateText(...)` or `ai.generateText(...)`: a function the library exports. */
  private visitFunctionCall(call: ts.CallExpression): boolean {
    const callee = call.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (!name) return false;
    for (const target of this.byFunction.get(name) ?? []) {
      if (target.role === 'consume-loop') continue;
      if (isFunctionFromModules(this.checker, callee, target.modules)) {
        this.instrument(target, call, undefined);
        return true;
      }
    }
    return false;
  }

  private hasOwnHandler(target: Target, call: ts.CallExpression): boolean {
    return target.role === 'consume' && !!target.handler.property && !this.isInlineObjectWithout(call.arguments[target.handler.arg], target.handler.property);
  }

  /**
   * Whether `arg` can be where `ref` says the handler is. A call without that argument (NATS `subscribe(subject)`
   * returns an iterator) or an inline object that does not name the property has no such handler; a function
   * holds no handler property, and an object is no handler function. A method taking either a handler or
   * options with one is then two targets, each applying to its own shape.
   */
  private mayHoldHandler(arg: ts.Expression | undefined, ref: ArgRef): boolean {
    const inline = arg && unwrapExpression(arg);
    if (!inline) return false;
    const callable = this.callability(inline);
    if (!ref.property) return callable !== 'no';
    return !this.isInlineObjectWithout(inline, ref.property) && callable !== 'yes';
  }

  /** Whether an expression is a function, as far as its syntax or (known) type says. */
  private callability(node: ts.Expression): 'yes' | 'no' | 'unknown' {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return 'yes';
    if (ts.isObjectLiteralExpression(node)) return 'no';
    const type = this.checker.getNonNullableType(this.checker.getTypeAtLocation(node));
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'unknown';
    if (type.getCallSignatures().length > 0) return 'yes';
    return type.flags & ts.TypeFlags.Object ? 'no' : 'unknown';
  }

  /** An inline options object that does not name `property` (so that handler's target does not apply). */
  private isInlineObjectWithout(arg: ts.Expression | undefined, property: string): boolean {
    const object = arg && unwrapExpression(arg);
    return !!object && ts.isObjectLiteralExpression(object) && !findProperty(object, property);
  }

  private visitNew(node: ts.NewExpression): void {
    const name = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : ts.isIdentifier(node.expression) ? node.expression.text : undefined;
    if (!name) return;
    for (const target of this.byClass.get(name) ?? []) {
      if (target.role === 'consume-loop') continue;
      let resolution = resolveConstructor(this.checker, node, target.modules, name);
      if (resolution === 'unknown') {
        resolution = isFromModules(importOrigin(this.checker, node.expression), target.modules) ? 'match' : 'no-match';
      }
      if (resolution === 'match') {
        // Built into a const that is only ever sent: the sends are the call sites.
        const sendMethod = 'sendMethod' in target ? target.sendMethod : undefined;
        if (sendMethod && !this.enclosingSendCall(node, sendMethod) && this.isSentThroughVariable(node, sendMethod)) return;
        this.instrument(target, node, undefined);
        return;
      }
    }
  }

  /** The library's message type, when `type` is one of a loop target's element types. */
  private loopTargetFor(type: ts.Type): LoopTarget | undefined {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (!symbol) return undefined;
    const declarationFiles = (symbol.declarations ?? []).map((d) => d.getSourceFile().fileName);
    return this.loops.find(
      (t) => t.elementTypes.includes(symbol.getName()) && declarationFiles.some((f) => isInModules(f, t.modules)),
    );
  }

  private visitLoop(loop: ts.ForOfStatement): void {
    if (this.loops.length === 0) return;
    const declarationList = loop.initializer;
    if (!ts.isVariableDeclarationList(declarationList)) return;
    const declaration = declarationList.declarations[0];
    if (!declaration || !ts.isIdentifier(declaration.name)) return;
    const target = this.loopTargetFor(this.checker.getTypeAtLocation(declaration.name));
    if (!target) return;
    const site = this.site(target, loop);
    if (!site) return;
    // Already wrapped: the loop's statement is the runtime call itself.
    if (ts.isExpressionStatement(loop.statement) && isRuntimeCall(loop.statement.expression, 'processMessage')) return this.already(site);
    if (!ts.isBlock(loop.statement)) return this.skip(site, 'loop body is not a block');
    const body = loop.statement;
    const escape = findLoopEscape(body);
    if (escape) return this.skip(site, `loop body uses ${escape}; wrap the per-message work by hand`);
    const awaits = containsAwait(body);
    const spec = this.specText(target, { destination: undefined });
    // `for (const m of msgs) { ... }` becomes `for (const m of msgs) otelify.processMessage(spec, m, () => { ... });`:
    // the block and its indentation stay as they are.
    const open = `${awaits ? 'await ' : ''}${RUNTIME_NAMESPACE}.processMessage(${spec}, ${declaration.name.text}, ${awaits ? 'async ' : ''}() => `;
    this.edits.wrap(body.getStart(this.file), body.getEnd(), open, `)${this.style.semi}`);
    this.done(site);
  }

  /** `messages.forEach((message) => ...)` and `.map(...)` over a library's messages. */
  private visitMessageCallback(call: ts.CallExpression): void {
    if (this.loops.length === 0) return;
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !['forEach', 'map'].includes(callee.name.text)) return;
    const callback = call.arguments[0];
    if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return;
    const parameter = callback.parameters[0];
    if (!parameter) return;
    // The element type of the list, not the callback parameter's: typing the parameter would infer the
    // whole call (every `.map` in a file), which on heavily generic code costs more than everything else.
    const list = this.checker.getTypeAtLocation(callee.expression);
    const element = this.checker.isArrayLikeType(list) ? this.checker.getIndexTypeOfType(list, ts.IndexKind.Number) : undefined;
    const target = element && this.loopTargetFor(this.checker.getNonNullableType(element));
    if (!target) return;
    const site = this.site(target, callback);
    if (!site) return;
    this.edits.wrap(callback.getStart(this.file), callback.getEnd(), `${RUNTIME_NAMESPACE}.traceProcess(${this.specText(target, {})}, `, ')');
    this.done(site);
  }

  // ---- instrumentation --------------------------------------------------------------------------------

  private instrument(target: Exclude<Target, LoopTarget>, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined): void {
    const site = this.site(target, node);
    if (!site) return;
    const elsewhere = this.options.tracedElsewhere?.get(target.library);
    if (elsewhere?.effect === 'skip') return this.skip(site, tracedElsewhereReason(elsewhere, target.library));
    if (elsewhere?.effect === 'note') site.note = `${elsewhere.by} (set up at ${elsewhere.where}) also spans ${target.library} calls: turn it off for ${target.library} there, or each message gets two spans`;
    switch (target.role) {
      case 'produce':
        return this.instrumentProduce(target, node, receiver, site);
      case 'consume':
        return this.instrumentConsume(target, node, receiver, site);
      case 'request-fields':
        return this.instrumentRequestFields(target, node, site);
      case 'llm':
        return this.instrumentLLM(target, node, receiver, site);
    }
  }

  /**
   * `client.chat.completions.create(body)` becomes
   * `otelify.traceLLM(spec, () => client.chat.completions.create(otelify.llmRequest(body)))`: the call and its
   * body stay where they are, so the SDK's overloads and contextual types (`role: 'user'`) still apply and
   * the call returns exactly what it did. The spec holds what is known before the call (provider, model,
   * server), so samplers see it when the span starts; `llmRequest` reads the rest of the body at run time.
   */
  private instrumentLLM(target: LLMTarget, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined, site: SiteReport): void {
    const args = node.arguments ?? ts.factory.createNodeArray();
    const sendCall = target.sendMethod ? this.enclosingSendCall(node, target.sendMethod) : undefined;
    if (target.sendMethod && !sendCall) {
      this.unsentCommands.push(site);
      return this.skip(site, `the command is sent elsewhere: otelify spans a '${target.sendMethod}(command)' in the files it rewrites`);
    }
    const spanned = sendCall ?? node;
    if (isInsideRuntimeCall(spanned, 'traceLLM')) return this.already(site);
    const body = args[target.request.arg];
    if (!body) return this.skip(site, 'no request argument');
    const traced = target.ownTelemetry?.find((option) => this.enablesTelemetry(body, option));
    if (traced) return this.skip(site, `the SDK's own telemetry is enabled for this call ('${traced}.isEnabled'); a second span would double it`);
    const wrapper = receiver && this.tracingWrapperOf(receiver);
    if (wrapper) return this.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
    if (args.some((arg) => containsAwait(arg) || containsYield(arg))) return this.skip(site, 'an argument uses await or yield; move it to a variable first');
    // A chat session's turn: the call that made the session names the model and its settings.
    const createdWith = target.model?.createdBy && receiver ? creatingCallOf(this.checker, receiver, target.model.createdBy)?.arguments[0] : undefined;
    const client = this.llmClient(target, receiver);
    const askForUsage = this.streamUsageAnchor(target, body, client.provider);
    const spec = this.llmSpec(target, client, body, createdWith, !!askForUsage);
    const arrow = this.arrowFor(spanned);
    if (!arrow) return this.skip(site, AWAITED_RECEIVER);
    this.edits.wrap(spanned.getStart(this.file), spanned.getEnd(), `${RUNTIME_NAMESPACE}.traceLLM(${spec}, ${arrow}`, ')');
    if (askForUsage && target.streamUsage) this.edits.insert(askForUsage.getEnd(), `, ${target.streamUsage.property}: ${target.streamUsage.value}`);
    // A command object (not a literal) can pass through a generic identity without changing any type check.
    if (target.commandRequest) this.edits.wrap(node.getStart(this.file), node.getEnd(), `${RUNTIME_NAMESPACE}.llmRequest(`, ')');
    this.done(site);
    const version = target.selfTraces && this.installedVersion(target.modules[0]!);
    if (target.selfTraces && version && atLeast(version, target.selfTraces.since)) {
      site.note = `${target.modules[0]} ${version} ${target.selfTraces.note}`;
    }
  }

  /** What is known of the call before it runs: provider, model and server, and settings written as literals. */
  private llmSpec(target: LLMTarget, client: { provider: string; server?: string; port?: string }, body: ts.Expression | undefined, createdWith: ts.Expression | undefined, askForUsage: boolean): string {
    const model = (body && this.llmModel(target, body)) ?? (createdWith ? this.llmModel(target, createdWith) : undefined);
    const settings = target.settings;
    return this.style.object([
      ['provider', this.style.string(model?.provider ?? client.provider)],
      ['operation', this.style.string(target.operation)],
      ['api', this.style.string(target.api)],
      ['model', model?.name],
      ['server', client.server ? this.style.string(client.server) : undefined],
      ['port', client.port],
      ['params', settings ? ((body && this.literalSettings(body, settings)) ?? (createdWith ? this.literalSettings(createdWith, settings) : undefined)) : undefined],
      ['convention', this.convention === 'llm' ? undefined : this.style.string(this.convention)],
      ['streamUsage', askForUsage ? 'true' : undefined],
    ]);
  }

  /** `client.send(command)` of an LLM command built before: the span covers the send, and the runtime reads the command. */
  private instrumentLLMSend(target: LLMTarget, call: ts.CallExpression, command: ts.Expression, construction: ts.NewExpression | undefined, site: SiteReport): void {
    const elsewhere = this.options.tracedElsewhere?.get(target.library);
    if (elsewhere?.effect === 'skip') return this.skip(site, tracedElsewhereReason(elsewhere, target.library));
    const receiver = (call.expression as ts.PropertyAccessExpression).expression;
    const wrapper = this.tracingWrapperOf(receiver);
    if (wrapper) return this.skip(site, `the client is wrapped by ${wrapper.by}, which traces its calls; a second span would double them`);
    const body = construction?.arguments?.[target.request.arg];
    const spec = this.llmSpec(target, { provider: target.provider }, body, undefined, false);
    const arrow = this.arrowFor(call);
    if (!arrow) return this.skip(site, AWAITED_RECEIVER);
    this.edits.wrap(call.getStart(this.file), call.getEnd(), `${RUNTIME_NAMESPACE}.traceLLM(${spec}, ${arrow}`, ')');
    this.edits.wrap(command.getStart(this.file), command.getEnd(), `${RUNTIME_NAMESPACE}.llmRequest(`, ')');
    this.done(site);
  }

  /**
   * `client.send(command)` of a message command built before: a PRODUCER span around the send, and the
   * context injected into the command's input there, so the message carries the send's span.
   */
  private instrumentCommandSend(target: ProduceTarget, call: ts.CallExpression, command: ts.Expression, construction: ts.NewExpression | undefined, site: SiteReport): void {
    if (this.hasManualInject(call)) return this.already(site, 'propagation.inject is already called here');
    const args = construction?.arguments ?? ts.factory.createNodeArray();
    const spec = this.style.object([
      ['system', this.style.string(target.system)],
      ['operation', this.style.string(target.operation)],
      ...this.destinationEntries(this.destination(target.destination, args, undefined)),
      ['batch', target.batch ? this.batchSize(args[target.carrier.arg], target.batch) : undefined],
    ]);
    const { path, format } = target.carrier;
    const extra = [this.style.string(path), ...(format && format !== 'record' ? [this.style.string(format)] : [])];
    const arrow = this.arrowFor(call);
    if (!arrow) return this.skip(site, AWAITED_RECEIVER);
    this.edits.wrap(call.getStart(this.file), call.getEnd(), `${RUNTIME_NAMESPACE}.traceSend(${spec}, ${arrow}`, ')');
    this.edits.wrap(command.getStart(this.file), command.getEnd(), `${RUNTIME_NAMESPACE}.injectCommand(`, `, ${extra.join(', ')})`);
    this.done(site);
  }

  /**
   * With `streamUsage` on: the literal `stream: true` of an inline body that says nothing of usage, for a
   * provider that accepts the field (the usage request goes right after it). A body with a spread may set it.
   */
  private streamUsageAnchor(target: LLMTarget, body: ts.Expression, provider: string): ts.PropertyAssignment | undefined {
    if (!this.streamUsage || !target.streamUsage?.providers.includes(provider)) return undefined;
    const literal = unwrapExpression(body);
    if (!ts.isObjectLiteralExpression(literal) || literal.properties.some((p) => ts.isSpreadAssignment(p))) return undefined;
    if (findProperty(literal, target.streamUsage.property)) return undefined;
    const stream = findProperty(literal, 'stream');
    return stream && ts.isPropertyAssignment(stream) && stream.initializer.kind === ts.SyntaxKind.TrueKeyword ? stream : undefined;
  }

  /** Why a receiver may have no type: the library's typings are missing here, or else a project import did not resolve. */
  private whyUntyped(target: Target): string {
    const typed = ts.resolveModuleName(target.modules[0]!, this.file.fileName, this.compilerOptions, ts.sys).resolvedModule;
    if (typed) return 'a project import did not resolve';
    const typings = target.modules.filter((module) => module.startsWith('@types/'));
    return `the typings of ${target.modules[0]} were not found${typings.length > 0 ? `; it needs ${typings.join(' or ')}` : ''}`;
  }

  /** The version of the package that `module` resolves to from this file. */
  private installedVersion(module: string): string | undefined {
    return ts.resolveModuleName(module, this.file.fileName, this.compilerOptions, ts.sys).resolvedModule?.packageId?.version;
  }

  /**
   * `{ temperature: 0, config: { maxOutputTokens: 256 } }`: the settings at `paths` that an inline request body
   * (or the options of an inline `new Command(...)`) writes as number or boolean literals.
   */
  private literalSettings(body: ts.Expression, paths: string[]): string | undefined {
    let literal = unwrapExpression(body);
    if (ts.isNewExpression(literal) && literal.arguments?.[0]) literal = unwrapExpression(literal.arguments[0]);
    if (!ts.isObjectLiteralExpression(literal)) return undefined;
    const render = (object: ts.ObjectLiteralExpression, prefix: string): string | undefined => {
      const entries: [string, string | undefined][] = [];
      for (const property of object.properties) {
        if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
        const path = prefix + property.name.text;
        const value = unwrapExpression(property.initializer);
        if (ts.isObjectLiteralExpression(value) && paths.some((p) => p.startsWith(`${path}.`))) {
          entries.push([property.name.text, render(value, `${path}.`)]);
        } else if (paths.includes(path) && (isPlainLiteral(value) || (isSideEffectFree(value) && this.typeIsOnly(value, ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)))) {
          // A literal written in the body, or a reference to the user's setting (never its copied value).
          entries.push([property.name.text, value.getText(this.file)]);
        }
      }
      return entries.some(([, v]) => v !== undefined) ? this.style.object(entries) : undefined;
    };
    return render(literal, '');
  }

  /** Provider and server from the receiver's `new Client({ baseURL })`, when it is visible. */
  private llmClient(target: LLMTarget, receiver: ts.Expression | undefined): { provider: string; server?: string; port?: string } {
    const fallback = { provider: target.provider };
    if (!target.client || !receiver) return fallback;
    let root = unwrapExpression(receiver);
    while (ts.isPropertyAccessExpression(root) && !constructionOf(this.checker, root)) root = unwrapExpression(root.expression);
    const construction = constructionOf(this.checker, root);
    if (!construction) return fallback;
    const className = ts.isIdentifier(construction.expression) ? construction.expression.text : ts.isPropertyAccessExpression(construction.expression) ? construction.expression.name.text : '';
    const options = objectLiteralOf(this.checker, construction.arguments?.[0]);
    let provider = target.client.providerByClass?.[className];
    for (const [flag, flagged] of Object.entries(target.client.providerByOption ?? {})) {
      const set = options && findProperty(options, flag);
      if (set && ts.isPropertyAssignment(set) && set.initializer.kind === ts.SyntaxKind.TrueKeyword) provider ??= flagged;
    }
    // The first of the options naming the server that the construction writes (`baseURL`, Azure's `endpoint`).
    const option = options && [target.client.baseURL ?? []].flat().map((name) => findProperty(options, name)).find((found) => found !== undefined);
    const url = option && ts.isPropertyAssignment(option) ? constantString(this.checker, option.initializer) : undefined;
    const fromURL = url ? providerFromURL(url) : undefined;
    return { ...fromURL, provider: provider ?? fromURL?.provider ?? target.provider };
  }

  /** The model as code for the spec (a literal, or a side-effect-free read), and the provider its factory names. */
  private llmModel(target: LLMTarget, body: ts.Expression): { name?: string; provider?: string } | undefined {
    if (!target.model) return undefined;
    const literal = objectLiteralOf(this.checker, body);
    if (!literal || literal !== unwrapExpression(body)) return undefined;
    const property = findProperty(literal, target.model.property);
    if (!property || !(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property))) return undefined;
    const value = unwrapExpression(ts.isPropertyAssignment(property) ? property.initializer : property.name);
    if (target.model.factories) {
      if (!ts.isCallExpression(value)) return undefined;
      const provider = Object.entries(target.model.factories).find(([module]) => isFromModules(importOrigin(this.checker, value.expression), [module]))?.[1];
      const argument = value.arguments[0];
      const name = argument && this.modelCode(unwrapExpression(argument));
      return { ...(provider ? { provider } : {}), ...(name ? { name } : {}) };
    }
    const name = this.modelCode(value);
    return name ? { name } : undefined;
  }

  /**
   * The model as code: a literal written in place, else a reference to the user's constant or variable (so
   * the span follows when it changes), else the value of constants combined in place.
   */
  private modelCode(value: ts.Expression): string | undefined {
    if (ts.isStringLiteralLike(value)) return this.style.string(value.text);
    if (isSideEffectFree(value) && this.typeIsOnly(value, ts.TypeFlags.StringLike)) return value.getText(this.file);
    const constant = constantString(this.checker, value);
    return constant !== undefined ? this.style.string(constant) : undefined;
  }

  /** Every member of the expression's type is of `flags` (no undefined, null or any): it fits the spec's field. */
  private typeIsOnly(node: ts.Expression, flags: ts.TypeFlags): boolean {
    const type = this.checker.getTypeAtLocation(node);
    const members = type.isUnion() ? type.types : [type];
    return members.every((member) => (member.flags & flags) !== 0);
  }

  private instrumentProduce(target: ProduceTarget, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined, site: SiteReport): void {
    const args = node.arguments ?? ts.factory.createNodeArray();
    // With `client.send(new Command(...))` the span covers the send, not just building the command.
    const sendCall = target.sendMethod ? this.enclosingSendCall(node, target.sendMethod) : undefined;
    const spanned = sendCall ?? node;
    if (isInsideRuntimeCall(spanned, 'traceSend')) return this.already(site);
    if (this.hasManualInject(node)) return this.already(site, 'propagation.inject is already called here');
    const carrierArg = args[target.carrier.arg];
    if (carrierArg && isRuntimeCall(carrierArg, 'inject')) return this.already(site);
    if (args.length < target.carrier.arg && !target.carrier.fillMissing) {
      return this.skip(site, `expected at least ${target.carrier.arg} arguments before the options`);
    }
    if (args.some((arg) => containsAwait(arg) || containsYield(arg))) return this.skip(site, 'an argument uses await or yield; move it to a variable first');
    const arrow = this.arrowFor(spanned);
    if (!arrow) return this.skip(site, AWAITED_RECEIVER);
    const native = target.nativeTelemetry && this.nativeTelemetryIn(target.nativeTelemetry, carrierArg, receiver);
    if (native === 'call') return this.skip(site, `the message options set '${target.nativeTelemetry}' themselves`);
    if (native) return this.skip(site, `the library's own telemetry is configured ('${target.nativeTelemetry}')`);
    const destination = this.destination(target.destination, args, receiver);
    const batch = target.batch ? this.batchSize(carrierArg, target.batch) : undefined;
    const operation = sendCall || !target.sendMethod ? target.operation : 'create';
    const spec = this.style.object([
      ['system', this.style.string(target.system)],
      ['operation', this.style.string(operation)],
      ...this.destinationEntries(destination),
      ['batch', batch],
    ]);
    const { path, format, createHeaders } = target.carrier;
    const extra = [this.style.string(path)];
    if (format && format !== 'record') extra.push(this.style.string(format));
    if (createHeaders) {
      const factory = this.imports.named(createHeaders.module, createHeaders.name);
      if (!factory) return this.skip(site, `'${createHeaders.module}' is loaded lazily here or does not resolve from this file, so its '${createHeaders.name}()' cannot be imported`);
      if (extra.length === 1) extra.push(this.style.string('record'));
      extra.push(factory);
    }
    this.edits.wrap(spanned.getStart(this.file), spanned.getEnd(), `${RUNTIME_NAMESPACE}.traceSend(${spec}, ${arrow}`, ')');
    if (carrierArg) {
      this.edits.wrap(carrierArg.getStart(this.file), carrierArg.getEnd(), `${RUNTIME_NAMESPACE}.inject(`, `, ${extra.join(', ')})`);
    } else {
      const last = args[args.length - 1];
      const missing = Array(target.carrier.arg - args.length).fill('undefined, ').join('');
      const text = `${missing}${RUNTIME_NAMESPACE}.inject(${this.emptyCarrier(node, target.carrier.arg)}, ${extra.join(', ')})`;
      if (last) this.edits.insert(last.getEnd(), `, ${text}`);
      else this.edits.insert(node.getEnd() - 1, text);
    }
    this.done(site);
  }

  /**
   * What to inject into when the call has no options argument: `{}`, or `undefined` (which the runtime turns
   * into a new object) when the parameter's type has required properties `{}` would not type-check against
   * (NATS `request` options need `timeout`).
   */
  private emptyCarrier(node: ts.CallExpression | ts.NewExpression, index: number): string {
    const parameter = this.checker.getResolvedSignature(node)?.parameters[index];
    if (!parameter) return '{}';
    const type = this.checker.getNonNullableType(this.checker.getTypeOfSymbolAtLocation(parameter, node));
    const members = type.isUnion() ? type.types : [type];
    const fits = members.some((member) => this.checker.getPropertiesOfType(member).every((p) => (p.flags & ts.SymbolFlags.Optional) !== 0));
    return fits ? '{}' : 'undefined';
  }

  private instrumentConsume(target: ConsumeTarget, node: ts.CallExpression | ts.NewExpression, receiver: ts.Expression | undefined, site: SiteReport): void {
    const args = node.arguments ?? ts.factory.createNodeArray();
    const handler = this.locate(args, target.handler);
    if (!handler) return this.skip(site, `no inline ${describeRef(target.handler)} to wrap`);
    const value = handler.value;
    if (value && (isRuntimeCall(value, 'traceProcess') || isRuntimeCall(value, 'traceBatch'))) return this.already(site);
    const notAFunction = value && this.notAFunction(value);
    if (notAFunction) return this.skip(site, notAFunction);
    if (target.nativeTelemetry && this.nativeTelemetryIn(target.nativeTelemetry, args[2] ?? args[1], receiver)) {
      return this.skip(site, `the library's own telemetry is configured ('${target.nativeTelemetry}')`);
    }
    const destination = this.destination(target.destination, args, receiver);
    const spec = this.specText(target, { destination });
    const wrapper = `${RUNTIME_NAMESPACE}.${target.batch ? 'traceBatch' : 'traceProcess'}(${spec}, `;
    const element = handler.element;
    if (element && ts.isShorthandPropertyAssignment(element)) {
      this.edits.insert(element.getEnd(), `: ${wrapper}${element.name.text})`);
    } else if (element && ts.isMethodDeclaration(element)) {
      if (element.asteriskToken || element.typeParameters) return this.skip(site, 'generator or generic handler method');
      const name = element.name.getText(this.file);
      const isAsync = element.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
      this.edits.replace(element.getStart(this.file), element.name.getEnd(), `${name}: ${wrapper}${isAsync ? 'async ' : ''}function`);
      this.edits.insert(element.getEnd(), ')');
    } else if (value) {
      this.edits.wrap(value.getStart(this.file), value.getEnd(), wrapper, ')');
    } else {
      return this.skip(site, `no inline ${describeRef(target.handler)} to wrap`);
    }
    if (target.requestFields) this.wrapRequestFields(args, target.requestFields);
    this.done(site);
  }

  private instrumentRequestFields(target: RequestFieldsTarget, node: ts.CallExpression | ts.NewExpression, site: SiteReport): void {
    const args = node.arguments ?? ts.factory.createNodeArray();
    const input = args[target.input.arg];
    if (!input) return this.skip(site, 'no request input');
    if (isRuntimeCall(input, 'requestFields')) return this.already(site);
    const literal = objectLiteralOf(this.checker, input);
    const names = literal && findProperty(literal, target.input.path);
    if (names && ts.isPropertyAssignment(names) && /['"](All|\.\*)['"]/.test(names.initializer.getText(this.file))) {
      return this.already(site, 'already requests every attribute');
    }
    this.wrapRequestFields(args, target.input);
    this.done(site);
  }

  private wrapRequestFields(args: ts.NodeArray<ts.Expression>, ref: ArgRef & { path?: string }): void {
    const input = args[ref.arg];
    if (!input || isRuntimeCall(input, 'requestFields') || this.requestFieldsWrapped.has(input)) return;
    this.requestFieldsWrapped.add(input);
    const path = ref.path ?? ref.property ?? '';
    this.edits.wrap(input.getStart(this.file), input.getEnd(), `${RUNTIME_NAMESPACE}.requestFields(`, `, ${this.style.string(path)})`);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private specText(target: ConsumeTarget | LoopTarget, known: { destination?: DestinationCode }): string {
    const spec = target.spec;
    const name = known.destination?.name;
    return this.style.object([
      ['system', this.style.string(target.system)],
      ['operation', target.operation === 'process' ? undefined : this.style.string(target.operation)],
      ...this.destinationEntries(known.destination),
      ['destinationFrom', name || !spec.destinationFrom ? undefined : this.style.string(spec.destinationFrom)],
      ['messages', target.role === 'consume' && target.batch ? this.style.string(target.batch.messages) : undefined],
      ['message', 'message' in spec && spec.message ? this.style.string(spec.message) : undefined],
      ['payloadArg', 'payloadArg' in spec && spec.payloadArg ? String(spec.payloadArg) : undefined],
      ['headers', this.style.string(spec.headers)],
      ['format', spec.format && spec.format !== 'record' ? this.style.string(spec.format) : undefined],
      ['id', spec.id ? this.style.string(spec.id) : undefined],
    ]);
  }

  /** The spec entries of a destination: its name, and what makes it unfit for a span name. */
  private destinationEntries(destination: DestinationCode | undefined): [string, string | undefined][] {
    return [
      ['destination', destination?.name],
      ['destinationTemplate', destination?.template !== undefined ? this.style.string(destination.template) : undefined],
      ['temporary', destination?.temporary ? 'true' : undefined],
    ];
  }

  /**
   * The destination as code. Constants and names that stay the same from call to call name the span; a name
   * built per call is passed with its template (`orders-{region}`) or marked temporary, so it is recorded
   * without making span names high-cardinality.
   */
  private destination(rule: DestinationRule | undefined, args: ts.NodeArray<ts.Expression>, receiver: ts.Expression | undefined): DestinationCode | undefined {
    if (!rule) return undefined;
    if (rule.from === 'receiver') {
      if (!receiver) return undefined;
      const plain = unwrapExpression(receiver);
      return isStableReference(plain, this.checker) ? { name: `${plain.getText(this.file)}.${rule.property}` } : undefined;
    }
    const values = rule.parts.map((ref) => this.locate(args, ref)?.value);
    const constants = values.map((value) => value && constantString(this.checker, value));
    if (constants.every((c) => c !== undefined)) {
      if (!rule.lastSegment) {
        const name = this.constantDestination(values as ts.Expression[], constants as string[], rule.join ?? '');
        return name ? { name } : undefined;
      }
      const parts = constants.filter((c) => c).map((c) => c!.split(rule.lastSegment!).pop() ?? c!);
      const text = parts.join(rule.join ?? '');
      return text ? { name: this.style.string(text) } : undefined;
    }
    const [only] = values;
    if (values.length !== 1 || rule.lastSegment || !only) return undefined;
    const plain = unwrapExpression(only);
    // A template built in place: its text is evaluated again in the spec only when that has no side effects.
    if (ts.isTemplateExpression(plain)) {
      return plain.templateSpans.every((span) => isSideEffectFree(unwrapExpression(span.expression))) ? { name: plain.getText(this.file), template: templateOf(plain, this.file) } : undefined;
    }
    if (isStableReference(plain, this.checker)) {
      const made = this.perCallName(plain);
      if (!made) return { name: only.getText(this.file) };
      return made.template !== undefined ? { name: only.getText(this.file), template: made.template } : { name: only.getText(this.file), temporary: true };
    }
    // A reply address read from the message being answered: a queue made for one requester.
    if (ts.isPropertyAccessExpression(plain) && /^reply_?to$/i.test(plain.name.text) && isSideEffectFree(plain)) return { name: plain.getText(this.file), temporary: true };
    return undefined;
  }

  /**
   * A variable holding a name made inside a function, per call: a template with substitutions (its template
   * is returned), or what a call that makes fresh names returns (a server-named queue from `assertQueue('')`,
   * a `randomUUID()`). A module-level value is made once and stays.
   */
  private perCallName(node: ts.Expression): { template?: string } | undefined {
    const plain = unwrapExpression(node);
    if (!ts.isIdentifier(plain)) return undefined;
    let declaration: ts.Node | undefined = valueDeclarationOf(this.checker, plain);
    while (declaration && ts.isBindingElement(declaration)) declaration = declaration.parent.parent;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !enclosingFunction(declaration)) return undefined;
    const init = unwrapExpression(declaration.initializer);
    if (ts.isTemplateExpression(init) && ts.isIdentifier(declaration.name)) return { template: templateOf(init, this.file) };
    // Made per call: a template, or what generates a fresh name (`randomUUID()`, `assertQueue('')`, `Date.now()`).
    // A value read from configuration (`const { topic } = config()`) stays the same from call to call.
    const made = (n: ts.Node): boolean =>
      ts.isTemplateExpression(n) || (ts.isCallExpression(n) && FRESH_NAME.test(n.expression.getText(this.file))) || (!ts.isFunctionLike(n) && ts.forEachChild(n, made) === true);
    return made(init) ? {} : undefined;
  }

  /**
   * A destination made of constants, referring to the user's constants rather than copying their values
   * (`${EXCHANGE}:order.created`), so the span follows when a constant changes. Empty parts (the default
   * exchange) are left out, as they are of the name.
   */
  private constantDestination(values: ts.Expression[], constants: string[], join: string): string | undefined {
    const pieces = values.flatMap((value, i) => {
      if (!constants[i]) return [];
      const node = unwrapExpression(value);
      const named = ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node);
      return [named ? { reference: node.getText(this.file) } : { text: constants[i]! }];
    });
    if (pieces.length === 0) return undefined;
    if (pieces.every((p) => 'text' in p)) return this.style.string(pieces.map((p) => ('text' in p ? p.text : '')).join(join));
    if (pieces.length === 1 && 'reference' in pieces[0]!) return pieces[0].reference;
    const escape = (text: string) => text.replace(/[\\`]/g, '\\$&').replace(/\$\{/g, '\\${');
    return `\`${pieces.map((p) => ('reference' in p ? `\${${p.reference}}` : escape(p.text))).join(escape(join))}\``;
  }

  /** A tracing library's wrapper that made the receiver (`observeOpenAI(new OpenAI())`), at any level of its chain. */
  private tracingWrapperOf(receiver: ts.Expression): TracingWrapper | undefined {
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

  /**
   * The request sets `option: { isEnabled: true }`: inline, in a const of this file, or in an object spread into
   * it (`{ ...baseConfig, model }`).
   */
  private enablesTelemetry(body: ts.Expression, option: string, depth = 0): boolean {
    const literal = objectLiteralOf(this.checker, body);
    if (literal && depth < 4 && !findProperty(literal, option)) {
      return literal.properties.some((p) => ts.isSpreadAssignment(p) && this.enablesTelemetry(p.expression, option, depth + 1));
    }
    const property = literal && findProperty(literal, option);
    const value = property && ts.isPropertyAssignment(property) ? objectLiteralOf(this.checker, property.initializer) : undefined;
    const enabled = value && findProperty(value, 'isEnabled');
    return !!enabled && ts.isPropertyAssignment(enabled) && enabled.initializer.kind === ts.SyntaxKind.TrueKeyword;
  }

  private batchSize(carrier: ts.Expression | undefined, path: string): string | undefined {
    const literal = objectLiteralOf(this.checker, carrier);
    const property = literal && findProperty(literal, path);
    if (property && ts.isPropertyAssignment(property) && ts.isArrayLiteralExpression(property.initializer)) {
      const elements = property.initializer.elements;
      // `messaging.batch.message_count` is only for calls that send several messages.
      return elements.some(ts.isSpreadElement) || elements.length < 2 ? undefined : String(elements.length);
    }
    return undefined;
  }

  /** An argument, or a property of an inline object argument. */
  private locate(args: ts.NodeArray<ts.Expression>, ref: ArgRef): { value?: ts.Expression; element?: ts.ObjectLiteralElementLike } | undefined {
    const arg = args[ref.arg];
    if (!arg) return undefined;
    if (!ref.property) return { value: arg };
    const object = unwrapExpression(arg);
    if (!ts.isObjectLiteralExpression(object)) return undefined;
    const element = findProperty(object, ref.property);
    if (!element) return undefined;
    const value = ts.isPropertyAssignment(element) ? element.initializer : ts.isShorthandPropertyAssignment(element) ? element.name : undefined;
    return { element, value };
  }

  /**
   * Where the library's own telemetry option is visibly set: in the call's options, or in an options argument of
   * the `new` that built the receiver (whichever argument it is).
   */
  private nativeTelemetryIn(property: string, options: ts.Expression | undefined, receiver: ts.Expression | undefined): 'call' | 'receiver' | undefined {
    const sets = (expression: ts.Expression | undefined) => {
      const literal = objectLiteralOf(this.checker, expression);
      return !!literal && !!findProperty(literal, property);
    };
    if (sets(options)) return 'call';
    const constructions = receiver ? constructionsOf(this.checker, receiver) : [];
    return constructions.some((construction) => construction.arguments?.some(sets)) ? 'receiver' : undefined;
  }

  /**
   * Why a handler argument cannot be wrapped, when its syntax or type says it is not a function: a file path
   * or URL (a processor run in another process), `null`/`undefined` (no handler), or a value that is not always
   * a function. Untyped values are wrapped (the runtime leaves a non-function as it is).
   */
  private notAFunction(node: ts.Expression): string | undefined {
    const inline = constValueOf(this.checker, node);
    if (ts.isArrowFunction(inline) || ts.isFunctionExpression(inline)) return undefined;
    const filePath = 'the processor is a file path or URL (it runs in another process); wrap the function that file exports by hand';
    if (isPathLike(inline) || isFromModules(importOrigin(this.checker, inline), PATH_MODULES)) return filePath;
    if (inline.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(inline) && inline.text === 'undefined')) return 'no handler function is given';
    const type = this.checker.getTypeAtLocation(node);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    const members = type.isUnion() ? type.types : [type];
    if (members.every((member) => member.getCallSignatures().length > 0)) return undefined;
    if (members.some((member) => member.flags & ts.TypeFlags.StringLike || member.getSymbol()?.getName() === 'URL')) return filePath;
    return 'the handler is not always a function';
  }

  private hasManualInject(node: ts.Node): boolean {
    const fn = enclosingFunction(node);
    const text = (fn ?? node).getText(this.file);
    return /\bpropagation\s*\.\s*inject\s*\(/.test(text);
  }

  private site(target: Target, node: ts.Node): SiteReport | undefined {
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

  private isOptedOut(line: number): boolean {
    const lines = this.file.getLineStarts();
    const from = lines[Math.max(0, line - 1)] ?? 0;
    const to = lines[line + 1] ?? this.file.text.length;
    return OPT_OUT.test(this.file.text.slice(from, to));
  }

  private done(site: SiteReport): void {
    site.action = 'instrumented';
  }

  private already(site: SiteReport, reason?: string): void {
    site.action = 'already-instrumented';
    if (reason) site.reason = reason;
  }

  private skip(site: SiteReport, reason: string): void {
    site.action = 'skipped';
    site.reason = reason;
  }
}

function tracedElsewhereReason(elsewhere: { by: string; where: string }, library: string): string {
  return `${elsewhere.by} (set up at ${elsewhere.where}) traces every ${library} call; a second span would double it`;
}

/** A destination as code for the spec. */
interface DestinationCode {
  name?: string;
  /** `messaging.destination.template`: the name with each substitution as `{expression}`. */
  template?: string;
  temporary?: boolean;
}

/** `` `orders-${region}` `` as the template `orders-{region}`. */
function templateOf(template: ts.TemplateExpression, file: ts.SourceFile): string {
  return template.head.text + template.templateSpans.map((span) => `{${span.expression.getText(file)}}${span.literal.text}`).join('');
}

/** `version >= minimum`, comparing the numeric parts of two semver versions. */
function atLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split(/[.+-]/).slice(0, 3).map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** A chain of property reads ending in `chain` (`client.chat.completions` ends with `chat.completions`). */
function endsWithChain(node: ts.Expression, chain: string): boolean {
  let current = unwrapExpression(node);
  for (const name of chain.split('.').reverse()) {
    if (!ts.isPropertyAccessExpression(current) || current.name.text !== name) return false;
    current = unwrapExpression(current.expression);
  }
  return true;
}

/** A number (also negative) or boolean literal. */
function isPlainLiteral(value: ts.Expression): boolean {
  if (ts.isNumericLiteral(value) || value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword) return true;
  return ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(value.operand);
}

/** Identifiers, `this` and property reads: evaluating them again in the spec changes nothing. */
function isSideEffectFree(node: ts.Expression): boolean {
  if (ts.isIdentifier(node) || node.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(node) && !node.questionDotToken && isSideEffectFree(node.expression);
}

/** Node's modules that build file paths and URLs (`path.join(__dirname, 'processor.js')`); their types are not loaded. */
const PATH_MODULES = ['path', 'node:path', 'url', 'node:url'];

/** A string built in place (literal, template, concatenation), `new URL(...)` or `require.resolve(...)`. */
function isPathLike(node: ts.Expression): boolean {
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
  const callee = ts.isNewExpression(node) || ts.isCallExpression(node) ? node.expression : undefined;
  if (!callee) return false;
  const name = callee.getText();
  return ts.isNewExpression(node) ? /^(\w+\.)?URL$/.test(name) : name === 'require.resolve';
}

function describeRef(ref: ArgRef): string {
  return ref.property ? `'${ref.property}' handler` : `handler (argument ${ref.arg + 1})`;
}

/**
 * A name that stays the same from message to message: a variable, a member of `this` (`this.queue.name`), or
 * a property of something that is not a parameter (`config.queue`). A parameter's fields
 * (`msg.properties.replyTo`) are per-message data and would make span names high-cardinality.
 */
function isStableReference(node: ts.Expression, checker: ts.TypeChecker): boolean {
  if (ts.isIdentifier(node) || node.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isPropertyAccessExpression(node)) return false;
  let root: ts.Expression = node;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  if (root.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isIdentifier(root)) return false;
  const declaration = checker.getSymbolAtLocation(root)?.valueDeclaration;
  return !!declaration && !ts.isParameter(declaration) && !ts.isBindingElement(declaration);
}

/** Is `node` a call to one of the runtime's functions (`otelify.traceProcess(...)`)? */
function isRuntimeCall(node: ts.Node | undefined, name: string): boolean {
  if (!node) return false;
  const expression = ts.isExpression(node) ? unwrapExpression(node) : node;
  if (!ts.isCallExpression(expression)) return false;
  const callee = expression.expression;
  const calleeName = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  return calleeName === name && RUNTIME_WRAPPERS.has(name);
}

/** `() => call` as the callback of a runtime wrapper: the call is already instrumented. */
function isInsideRuntimeCall(node: ts.Node, name: string): boolean {
  const arrow = node.parent;
  return !!arrow && ts.isArrowFunction(arrow) && arrow.body === node && isRuntimeCall(arrow.parent, name);
}


function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  let current = node.parent;
  while (current) {
    if (ts.isFunctionLike(current) && 'body' in current) return current as ts.FunctionLikeDeclaration;
    current = current.parent;
  }
  return undefined;
}

/** Walks `node` without entering nested functions. */
function someInFunction(node: ts.Node, predicate: (n: ts.Node) => boolean): boolean {
  const visit = (n: ts.Node): boolean => {
    if (predicate(n)) return true;
    if (ts.isFunctionLike(n)) return false;
    return ts.forEachChild(n, visit) ?? false;
  };
  return visit(node);
}

function containsAwait(node: ts.Node): boolean {
  return someInFunction(node, (n) => ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier));
}

function containsYield(node: ts.Node): boolean {
  return someInFunction(node, ts.isYieldExpression);
}

/** A statement in a loop body that would leave the callback we wrap it in: return, or break/continue out. */
function findLoopEscape(body: ts.Block): string | undefined {
  let found: string | undefined;
  // `break` is contained by an inner loop or switch, `continue` only by an inner loop.
  const visit = (n: ts.Node, inLoop: boolean, inSwitch: boolean): void => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n)) found = 'return';
    else if (ts.isBreakStatement(n) && (n.label || !(inLoop || inSwitch))) found = 'break';
    else if (ts.isContinueStatement(n) && (n.label || !inLoop)) found = 'continue';
    else if (ts.isYieldExpression(n)) found = 'yield';
    const loop = inLoop || ts.isIterationStatement(n, false);
    const sw = inSwitch || ts.isSwitchStatement(n);
    ts.forEachChild(n, (child) => visit(child, loop, sw));
  };
  ts.forEachChild(body, (child) => visit(child, false, false));
  return found;
}
