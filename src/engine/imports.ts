import { ts } from './typescript.cjs';
import type { EditList } from './edits.js';

/** The local name rewritten code uses for the otelify runtime. */
export const RUNTIME_NAMESPACE = 'otelify';

/** The user's quoting and semicolon habits, so inserted code reads like theirs. */
export class CodeStyle {
  readonly quote: string;
  readonly semi: string;

  constructor(private readonly file: ts.SourceFile) {
    const text = file.text;
    const singles = (text.match(/'/g) ?? []).length;
    const doubles = (text.match(/"/g) ?? []).length;
    this.quote = doubles > singles ? '"' : "'";
    // Only statements that take a semicolon say whether the file writes them.
    const statements = file.statements
      .filter((s) => ts.isImportDeclaration(s) || ts.isVariableStatement(s) || ts.isExpressionStatement(s) || ts.isExportDeclaration(s))
      .slice(0, 20);
    const withSemi = statements.filter((s) => text.slice(s.getStart(file), s.getEnd()).trimEnd().endsWith(';')).length;
    this.semi = statements.length > 0 && withSemi * 2 < statements.length ? '' : ';';
  }

  string(value: string): string {
    const escaped = value.replace(/\\/g, '\\\\').replace(new RegExp(this.quote, 'g'), `\\${this.quote}`).replace(/\n/g, '\\n');
    return `${this.quote}${escaped}${this.quote}`;
  }

  /** `{ a: 1, b: 'x' }`, leaving out undefined entries. */
  object(entries: [string, string | undefined][]): string {
    const body = entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`);
    return `{ ${body.join(', ')} }`;
  }

  indentOf(pos: number): string {
    const lineStart = this.file.text.lastIndexOf('\n', pos - 1) + 1;
    return /^[ \t]*/.exec(this.file.text.slice(lineStart))?.[0] ?? '';
  }
}

/** Adds the runtime import (and any named import an edit needs) once per file, after existing imports. */
export class ImportPlan {
  readonly hasRuntimeImport: boolean;
  private readonly namedImports = new Map<string, { module: string; name: string; local: string }>();
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
    const local = `${RUNTIME_NAMESPACE}${name[0]?.toUpperCase()}${name.slice(1)}`;
    this.namedImports.set(key, { module, name, local });
    return local;
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
    for (const { module, name, local } of this.namedImports.values()) {
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
