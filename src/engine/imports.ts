import { ts } from './typescript.cjs';
import type { EditList } from './edits.js';
import type { FormatSettings, TrailingComma } from './format-settings.js';
import { lineWidth, OBJECT_CLOSE, OBJECT_OPEN, OBJECT_SEPARATOR, type Layout } from './layout.js';

/** The local name rewritten code uses for the otelify runtime. */
export const RUNTIME_NAMESPACE = 'otelify';

/**
 * The user's quoting, semicolon and indentation habits and line width, so inserted code reads like theirs:
 * the project's formatter settings where it has them (see format-settings.ts), else what the file does.
 */
export class CodeStyle {
  readonly quote: string;
  readonly semi: string;
  private readonly settings: FormatSettings | undefined;
  private computedLayout: Layout | undefined;

  constructor(
    private readonly file: ts.SourceFile,
    settings?: FormatSettings,
    /** Break inserted objects that would make a line too long (not where every line must keep its number). */
    private readonly breakLines = true,
  ) {
    this.settings = settings;
    const text = file.text;
    if (settings?.singleQuote !== undefined) {
      this.quote = settings.singleQuote ? "'" : '"';
    } else {
      const singles = (text.match(/'/g) ?? []).length;
      const doubles = (text.match(/"/g) ?? []).length;
      this.quote = doubles > singles ? '"' : "'";
    }
    if (settings?.semi !== undefined) {
      this.semi = settings.semi ? ';' : '';
    } else {
      // Only statements that take a semicolon say whether the file writes them.
      const statements = file.statements
        .filter((s) => ts.isImportDeclaration(s) || ts.isVariableStatement(s) || ts.isExpressionStatement(s) || ts.isExportDeclaration(s))
        .slice(0, 20);
      const withSemi = statements.filter((s) => text.slice(s.getStart(file), s.getEnd()).trimEnd().endsWith(';')).length;
      this.semi = statements.length > 0 && withSemi * 2 < statements.length ? '' : ';';
    }
  }

  /** The file's line ending. */
  get newline(): string {
    return this.file.text.includes('\r\n') ? '\r\n' : '\n';
  }

  /** A string literal in the file's quotes, or in the other ones when that needs fewer escapes (as Prettier does). */
  string(value: string): string {
    const other = this.quote === "'" ? '"' : "'";
    const count = (quote: string) => value.split(quote).length - 1;
    const quote = count(this.quote) > count(other) ? other : this.quote;
    const escaped = value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n');
    return `${quote}${escaped}${quote}`;
  }

  /**
   * `{ a: 1, b: 'x' }`, leaving out undefined entries. Its break points (layout.ts) let it break across lines
   * where the line it ends up on is too long.
   */
  object(entries: [string, string | undefined][]): string {
    const body = entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`);
    if (!this.breakLines || body.length === 0) return `{ ${body.join(', ')} }`;
    return `{${OBJECT_OPEN}${body.join(OBJECT_SEPARATOR)}${OBJECT_CLOSE}}`;
  }

  indentOf(pos: number): string {
    const lineStart = this.file.text.lastIndexOf('\n', pos - 1) + 1;
    return /^[ \t]*/.exec(this.file.text.slice(lineStart))?.[0] ?? '';
  }

  /** How inserted objects break: undefined where lines must not break. Worked out once, when first asked. */
  get layout(): Layout | undefined {
    if (!this.breakLines) return undefined;
    if (this.computedLayout) return this.computedLayout;
    const { settings } = this;
    const text = this.file.text;
    const inferred = settings?.useTabs !== undefined && settings.indentWidth !== undefined ? undefined : inferIndentation(text);
    const width = settings?.indentWidth ?? (inferred && inferred !== '\t' ? inferred.length : 2);
    const indentUnit = (settings?.useTabs ?? inferred === '\t') ? '\t' : ' '.repeat(width);
    const trailingComma = (settings?.trailingComma ?? inferTrailingComma(this.file)) !== 'none';
    this.computedLayout = { printWidth: settings?.printWidth ?? widthOfFile(text, width), indentUnit, tabWidth: width, trailingComma };
    return this.computedLayout;
  }
}

/**
 * The width a file without formatter settings keeps: 80 when every line fits in 80 columns, else 100 when
 * every line fits in 100, else 120 (a file formatted to a width keeps it).
 */
export function widthOfFile(text: string, tabWidth: number): number {
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, lineWidth(line.replace(/\r$/, ''), tabWidth));
  return widest <= 80 ? 80 : widest <= 100 ? 100 : 120;
}

/** The file's indentation step: a tab when most indented lines start with one, else the most common step in spaces. */
export function inferIndentation(text: string): string | undefined {
  let tabs = 0;
  let spaced = 0;
  const steps = new Map<number, number>();
  let previous = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^\s*\*/.test(line)) continue; // blank, or inside a block comment
    const indent = /^[ \t]*/.exec(line)![0];
    if (indent.startsWith('\t')) {
      tabs++;
      continue;
    }
    if (indent.length > 0) spaced++;
    if (indent.length > previous) steps.set(indent.length - previous, (steps.get(indent.length - previous) ?? 0) + 1);
    previous = indent.length;
  }
  if (tabs === 0 && spaced === 0) return undefined;
  if (tabs > spaced) return '\t';
  const [step] = [...steps].filter(([n]) => n >= 2 && n <= 8).sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [2];
  return ' '.repeat(step);
}

/**
 * Whether the file's multi-line object and array literals end with a comma: `none` when most do not, else
 * `all` (Prettier 3's default, also for a file that has none).
 */
function inferTrailingComma(file: ts.SourceFile): TrailingComma {
  let withComma = 0;
  let without = 0;
  const visit = (node: ts.Node): void => {
    if (withComma + without >= 20) return;
    const elements = ts.isObjectLiteralExpression(node) ? node.properties : ts.isArrayLiteralExpression(node) ? node.elements : undefined;
    const last = elements?.[elements.length - 1];
    if (elements && last) {
      const lastLine = file.getLineAndCharacterOfPosition(last.getEnd()).line;
      const closeLine = file.getLineAndCharacterOfPosition(node.getEnd() - 1).line;
      if (closeLine > lastLine) {
        if (elements.hasTrailingComma) withComma++;
        else without++;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return without > withComma ? 'none' : 'all';
}

/** Adds the runtime import (and any named import an edit needs) once per file, after existing imports. */
export class ImportPlan {
  readonly hasRuntimeImport: boolean;
  private readonly namedImports = new Map<string, { module: string; name: string; local: string; into?: ts.NamedImports }>();
  private readonly sideEffectImports = new Set<string>();
  private readonly commonJs: boolean;
  /** The runtime module the file imports already, if any. */
  private readonly existingRuntime: string | undefined;

  constructor(
    private readonly file: ts.SourceFile,
    private readonly style: CodeStyle,
    private readonly runtimeSpecifier: string,
    private readonly keepLineNumbers = false,
    /** Whether a package resolves from this file (so a new import of it would load). */
    private readonly resolves: (module: string) => boolean = () => false,
    /** The module that registers an LLM library's adapter beside the runtime (none for a vendored runtime). */
    private readonly adapterSpecifier: (library: string, runtimeSpecifier: string) => string | undefined = () => undefined,
  ) {
    const existing = findNamespaceImport(file, RUNTIME_NAMESPACE);
    this.hasRuntimeImport = existing !== undefined;
    this.existingRuntime = existing && moduleOf(existing);
    const hasImports = file.statements.some(ts.isImportDeclaration);
    this.commonJs = !hasImports && /\.(c?js|jsx)$/.test(file.fileName) && /\brequire\s*\(/.test(file.text) && !/\.mjs$/.test(file.fileName);
  }

  /**
   * An expression for `name` exported by `module`: the file's own import of it, or a new import when the file
   * already loads the module at its top level, or does not load it at all but can resolve it (the message
   * client comes from another file of the project). A file that loads it lazily (an optional dependency
   * behind a `require` in a try, or an `import()`) must keep doing so: CommonJS gets a lazy `require`,
   * anything else undefined.
   */
  named(module: string, name: string): string | undefined {
    const existing = findNamedImport(this.file, module, name);
    if (existing) return existing;
    const lazy = loadsLazily(this.file, module);
    if (lazy || !loadsAtTopLevel(this.file, module)) {
      if (this.commonJs) return `() => require(${this.style.string(module)}).${name}()`;
      if (lazy || !this.resolves(module)) return undefined;
    }
    const key = `${module}#${name}`;
    const planned = this.namedImports.get(key);
    if (planned) return planned.local;
    // Added to the file's own import of the module when the name is free in the file (`Controller` is imported
    // from '@nestjs/common': `UseInterceptors` joins it), else imported apart under otelify's alias.
    const into = this.commonJs || new RegExp(`(?<![\\w$])${name}(?![\\w$])`).test(this.file.text) ? undefined : namedImportsOf(this.file, module);
    const local = into ? name : `${RUNTIME_NAMESPACE}${name[0]?.toUpperCase()}${name.slice(1)}`;
    this.namedImports.set(key, { module, name, local, into });
    return local;
  }

  /**
   * Of packages that export the same thing (a library's old and new package names), the one to import from:
   * the first this file loads already, else the first that resolves from it.
   */
  preferredModule(modules: readonly string[]): string | undefined {
    return modules.find((module) => loadsAtTopLevel(this.file, module) || loadsLazily(this.file, module)) ?? modules.find((module) => this.resolves(module));
  }

  /**
   * The file calls this LLM library: it loads the library's adapter beside the runtime package. Not when the
   * file already imports another runtime (a vendored one, which holds its adapters).
   */
  adapter(library: string): void {
    const specifier = this.adapterSpecifier(library, this.runtimeSpecifier);
    if (!specifier || (this.existingRuntime !== undefined && this.existingRuntime !== this.runtimeSpecifier)) return;
    if (!importsModule(this.file, specifier)) this.sideEffectImports.add(specifier);
  }

  /** An adapter import is missing although no call site changes (a file rewritten before adapters were apart). */
  get addsAdapters(): boolean {
    return this.sideEffectImports.size > 0;
  }

  apply(edits: EditList): void {
    const lines: string[] = [];
    const { quote, semi } = this.style;
    if (!this.hasRuntimeImport) {
      lines.push(
        this.commonJs
          ? `const ${RUNTIME_NAMESPACE} = require(${quote}${this.runtimeSpecifier}${quote})${semi}`
          : `import * as ${RUNTIME_NAMESPACE} from ${quote}${this.runtimeSpecifier}${quote}${semi}`,
      );
    }
    for (const specifier of [...this.sideEffectImports].sort()) {
      lines.push(this.commonJs ? `require(${quote}${specifier}${quote})${semi}` : `import ${quote}${specifier}${quote}${semi}`);
    }
    for (const { module, name, local, into } of this.namedImports.values()) {
      const last = into?.elements.at(-1);
      if (last) {
        edits.insert(last.getEnd(), `, ${name}`);
        continue;
      }
      lines.push(
        this.commonJs
          ? `const { ${name}: ${local} } = require(${quote}${module}${quote})${semi}`
          : `import { ${name} as ${local} } from ${quote}${module}${quote}${semi}`,
      );
    }
    if (lines.length === 0) return;
    const anchor = this.insertionPoint();
    const separator = this.keepLineNumbers ? ' ' : '\n';
    edits.insert(anchor, anchor === 0 ? `${lines.join(separator)}${separator}` : `${separator}${lines.join(separator)}`);
  }

  /** After the last top-level import (or require), else after directives and a shebang. */
  private insertionPoint(): number {
    let anchor: ts.Statement | undefined;
    for (const statement of this.file.statements) {
      if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) || isTopLevelRequire(statement)) anchor = statement;
      else if (!anchor && isDirective(statement)) anchor = statement;
      else if (anchor || !isDirective(statement)) break;
    }
    if (anchor) return anchor.getEnd();
    const shebang = /^#!.*\n/.exec(this.file.text);
    return shebang ? shebang[0].length : 0;
  }
}

function loadsAtTopLevel(file: ts.SourceFile, module: string): boolean {
  return file.statements.some((statement) => {
    if (ts.isImportDeclaration(statement)) return ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === module;
    if (!isTopLevelRequire(statement)) return false;
    return (statement as ts.VariableStatement).declarationList.declarations.some((d) => {
      const [specifier] = (d.initializer as ts.CallExpression).arguments;
      return !!specifier && ts.isStringLiteralLike(specifier) && specifier.text === module;
    });
  });
}

/** `import('module')` anywhere, or `require('module')` other than as a top-level declaration. */
function loadsLazily(file: ts.SourceFile, module: string): boolean {
  const quoted = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (!new RegExp(`\\b(import|require)\\s*\\(\\s*['"\`]${quoted}['"\`]`).test(file.text)) return false;
  const visit = (node: ts.Node): boolean => {
    if (ts.isVariableStatement(node) && node.parent === file && isTopLevelRequire(node)) return false;
    if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const [specifier] = node.arguments;
      if (specifier && ts.isStringLiteralLike(specifier) && specifier.text === module) return true;
    }
    return ts.forEachChild(node, visit) ?? false;
  };
  return visit(file);
}

function isDirective(statement: ts.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression);
}

function isTopLevelRequire(statement: ts.Statement): boolean {
  if (!ts.isVariableStatement(statement)) return false;
  return statement.declarationList.declarations.every((d) => {
    const init = d.initializer;
    return !!init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require';
  });
}

/** The module a namespace import or `const x = require(...)` loads. */
function moduleOf(statement: ts.Statement): string | undefined {
  if (ts.isImportDeclaration(statement)) return ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
  if (!ts.isVariableStatement(statement)) return undefined;
  for (const declaration of statement.declarationList.declarations) {
    const init = declaration.initializer;
    const [specifier] = init && ts.isCallExpression(init) ? init.arguments : [];
    if (specifier && ts.isStringLiteralLike(specifier)) return specifier.text;
  }
  return undefined;
}

/** Whether any top-level import, export-from or `require` statement of the file names `module`. */
function importsModule(file: ts.SourceFile, module: string): boolean {
  return file.statements.some((statement) => {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
      return !!statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === module;
    }
    if (ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression)) {
      const [specifier] = statement.expression.arguments;
      return ts.isIdentifier(statement.expression.expression) && statement.expression.expression.text === 'require' && !!specifier && ts.isStringLiteralLike(specifier) && specifier.text === module;
    }
    return moduleOf(statement) === module;
  });
}

function findNamespaceImport(file: ts.SourceFile, local: string): ts.Statement | undefined {
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === local) return statement;
    } else if (ts.isVariableStatement(statement)) {
      if (statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === local)) return statement;
    }
  }
  return undefined;
}

/** The `{ ... }` of the file's first value import of `module` that has one. */
function namedImportsOf(file: ts.SourceFile, module: string): ts.NamedImports | undefined {
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.moduleSpecifier.text !== module || statement.importClause?.isTypeOnly) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0) return bindings;
  }
  return undefined;
}

function findNamedImport(file: ts.SourceFile, module: string, name: string): string | undefined {
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.moduleSpecifier.text !== module || statement.importClause?.isTypeOnly) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const element = bindings.elements.find((e) => (e.propertyName ?? e.name).text === name && !e.isTypeOnly);
    if (element) return element.name.text;
  }
  return undefined;
}
