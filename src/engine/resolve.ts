import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ts } from './typescript.cjs';

/**
 * True when `fileName` belongs to one of the packages: under `node_modules/<pkg>/`, or in a folder whose
 * package.json names it (a workspace-linked package, which TypeScript resolves to its real path).
 */
export function isInModules(fileName: string, modules: string[]): boolean {
  const normalized = fileName.replace(/\\/g, '/');
  if (modules.some((name) => normalized.includes(`/node_modules/${name}/`))) return true;
  const name = packageNameOf(dirname(normalized));
  return name !== undefined && modules.includes(name);
}

const packageNames = new Map<string, string | undefined>();

/** The name in the package.json nearest to `dir` (at or above it). */
export function packageNameOf(dir: string): string | undefined {
  if (packageNames.has(dir)) return packageNames.get(dir);
  let name: string | undefined;
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
    } catch {
      name = undefined;
    }
  } else if (dirname(dir) !== dir) {
    name = packageNameOf(dirname(dir));
  }
  packageNames.set(dir, name);
  return name;
}

export function unwrapExpression(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current)) {
      current = current.expression;
    } else if (ts.isAwaitExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** Names a type can go by: its symbol, its alias, and those of its union/intersection parts. */
function typeNames(type: ts.Type): string[] {
  const names = new Set<string>();
  const visit = (t: ts.Type) => {
    if (t.aliasSymbol) names.add(t.aliasSymbol.getName());
    const symbol = t.getSymbol();
    if (symbol) names.add(symbol.getName());
    if (t.isUnionOrIntersection()) t.types.forEach(visit);
  };
  visit(type);
  return [...names];
}

function containerName(declaration: ts.Declaration): string | undefined {
  let node: ts.Node | undefined = declaration.parent;
  while (node) {
    if ((ts.isClassLike(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name) {
      return node.name.text;
    }
    node = node.parent;
  }
  return undefined;
}

export type Resolution = 'match' | 'no-match' | 'unknown';

/**
 * Does `receiver.method(...)` call the library's method? The checker decides when it knows the declaration;
 * `unknown` means it could not tell (no types), and import tracking decides.
 */
export function resolveMethodCall(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
  receiver: ts.Expression,
  modules: string[],
  types: string[],
  declaredIn?: string,
  receiverRule?: { extends: string[]; through?: string[] },
): Resolution {
  // The method's own declaration, from the receiver's type: resolving the call's signature would infer its
  // arguments too, which on heavily generic code (schema builders, agent graphs) costs minutes and gigabytes.
  const callee = call.expression;
  const member = ts.isPropertyAccessExpression(callee) ? checker.getSymbolAtLocation(callee.name) : undefined;
  // A property holding a method (`chat: typeof V2Client.prototype.chat`) is declared where its signatures are.
  const memberDeclarations = (member?.declarations ?? []).flatMap((d): ts.Declaration[] => {
    if (!ts.isPropertyDeclaration(d) && !ts.isPropertySignature(d)) return [d];
    const signatures = checker.getTypeOfSymbolAtLocation(member!, callee).getCallSignatures();
    return signatures.map((signature) => signature.getDeclaration()).filter((declaration): declaration is ts.SignatureDeclaration => !!declaration && !ts.isJSDocSignature(declaration));
  });
  if (memberDeclarations.length > 0 && receiverRule) return isLibraryInstance(checker, receiver, modules, receiverRule) ? 'match' : 'no-match';
  if (memberDeclarations.length > 0) {
    const inLibrary = memberDeclarations.filter((d) => isInModules(d.getSourceFile().fileName, modules) && (!declaredIn || d.getSourceFile().fileName.replace(/\\/g, '/').includes(declaredIn)));
    if (inLibrary.length === 0) return 'no-match';
    const receiverNames = typeNames(checker.getTypeAtLocation(receiver));
    const names = [...receiverNames, ...inLibrary.map(containerName).filter((n): n is string => n !== undefined)];
    return names.some((name) => types.includes(name)) ? 'match' : 'no-match';
  }
  const declaration = checker.getResolvedSignature(call)?.getDeclaration();
  if (declaration && !ts.isJSDocSignature(declaration)) {
    const fileName = declaration.getSourceFile().fileName;
    if (!isInModules(fileName, modules)) return 'no-match';
    if (declaredIn && !fileName.replace(/\\/g, '/').includes(declaredIn)) return 'no-match';
    const receiverNames = typeNames(checker.getTypeAtLocation(receiver));
    const container = containerName(declaration);
    const names = container ? [...receiverNames, container] : receiverNames;
    return names.some((name) => types.includes(name)) ? 'match' : 'no-match';
  }
  const type = checker.getTypeAtLocation(receiver);
  if (!(type.flags & ts.TypeFlags.Any)) {
    // A known type without a declaration for the method (e.g. a union or an error type): look-alike.
    const symbol = type.getSymbol();
    if (symbol?.declarations?.some((d) => !isInModules(d.getSourceFile().fileName, modules))) return 'no-match';
  }
  return 'unknown';
}

/**
 * The receiver is an instance of a class derived from one of `rule.extends` declared in the library, or what a
 * method of `rule.through` returns on such a receiver (`model.withConfig(...)`, directly or through a const).
 */
export function isLibraryInstance(checker: ts.TypeChecker, receiver: ts.Expression, modules: string[], rule: { extends: string[]; through?: string[] }, depth = 0): boolean {
  if (derivesFrom(checker, checker.getNonNullableType(checker.getTypeAtLocation(receiver)), modules, rule.extends)) return true;
  const made = constValueOf(checker, receiver);
  if (depth > 4 || !ts.isCallExpression(made) || !ts.isPropertyAccessExpression(made.expression) || !rule.through?.includes(made.expression.name.text)) return false;
  return isLibraryInstance(checker, made.expression.expression, modules, rule, depth + 1);
}

/** The receiver itself when it is a library instance, else the instance a chain of `through` calls starts from. */
export function libraryInstanceOf(checker: ts.TypeChecker, receiver: ts.Expression, through: string[] | undefined, depth = 0): ts.Expression {
  const made = constValueOf(checker, receiver);
  if (depth > 4 || !ts.isCallExpression(made) || !ts.isPropertyAccessExpression(made.expression) || !through?.includes(made.expression.name.text)) return receiver;
  return libraryInstanceOf(checker, made.expression.expression, through, depth + 1);
}

/** A class type (or a type parameter constrained to one) that is, or extends, a class named in `names` declared in the library. */
function derivesFrom(checker: ts.TypeChecker, type: ts.Type, modules: string[], names: string[], seen = new Set<ts.Type>()): boolean {
  if (seen.has(type) || seen.size > 32) return false;
  seen.add(type);
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return !!constraint && constraint !== type && derivesFrom(checker, constraint, modules, names, seen);
  }
  if (type.isUnion()) return type.types.every((member) => derivesFrom(checker, member, modules, names, seen));
  if (type.isIntersection()) return type.types.some((member) => derivesFrom(checker, member, modules, names, seen));
  const symbol = type.getSymbol();
  if (symbol && names.includes(symbol.getName()) && symbol.declarations?.some((d) => isInModules(d.getSourceFile().fileName, modules))) return true;
  const objectFlags = type.flags & ts.TypeFlags.Object ? (type as ts.ObjectType).objectFlags : 0;
  const declared = objectFlags & ts.ObjectFlags.Reference ? (type as ts.TypeReference).target : type;
  const declaredFlags = declared.flags & ts.TypeFlags.Object ? (declared as ts.ObjectType).objectFlags : 0;
  if (!(declaredFlags & (ts.ObjectFlags.Class | ts.ObjectFlags.Interface))) return false;
  return checker.getBaseTypes(declared as ts.InterfaceType).some((base) => derivesFrom(checker, base, modules, names, seen));
}

/**
 * Is `callee` (`generateText` or `ai.generateText`) a function exported by one of the packages? The checker
 * decides when it knows the declaration; without types, the import it comes from does.
 */
export function isFunctionFromModules(checker: ts.TypeChecker, callee: ts.Expression, modules: string[]): boolean {
  let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declarations = symbol?.declarations ?? [];
  const imported = declarations.every((d) => ts.isImportSpecifier(d) || ts.isImportClause(d) || ts.isNamespaceImport(d) || ts.isBindingElement(d));
  if (declarations.length > 0 && symbol?.getName() !== 'unknown' && !imported) {
    return declarations.some((d) => isInModules(d.getSourceFile().fileName, modules));
  }
  return isFromModules(importOrigin(checker, callee), modules);
}

/** Does `new X(...)` construct the library's class? */
export function resolveConstructor(checker: ts.TypeChecker, node: ts.NewExpression, modules: string[], className: string): Resolution {
  let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression);
  if (!symbol) return 'unknown';
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declarations = symbol.declarations ?? [];
  if (declarations.length === 0 || symbol.getName() === 'unknown') return 'unknown';
  const inModule = declarations.some((d) => isInModules(d.getSourceFile().fileName, modules));
  if (inModule) return symbol.getName() === className ? 'match' : 'no-match';
  // A plain-JS import of an untyped package resolves to the import itself: let import tracking decide.
  if (declarations.every((d) => ts.isImportSpecifier(d) || ts.isImportClause(d) || ts.isNamespaceImport(d))) return 'unknown';
  return 'no-match';
}

/** The module a value comes from, following variable initializers, awaits, calls and property reads. */
export function importOrigin(checker: ts.TypeChecker, expression: ts.Expression, depth = 0): string | undefined {
  if (depth > 12) return undefined;
  const node = unwrapExpression(expression);
  if (ts.isCallExpression(node)) {
    if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      const [specifier] = node.arguments;
      return specifier && ts.isStringLiteralLike(specifier) ? specifier.text : undefined;
    }
    return importOrigin(checker, node.expression, depth + 1);
  }
  if (ts.isPropertyAccessExpression(node)) {
    // `this.channel`: the class member says where its value comes from (its initializer or declared type).
    const member = node.expression.kind === ts.SyntaxKind.ThisKeyword ? checker.getSymbolAtLocation(node.name)?.declarations?.[0] : undefined;
    return member ? declarationOrigin(checker, member, depth) : importOrigin(checker, node.expression, depth + 1);
  }
  if (ts.isNewExpression(node) || ts.isElementAccessExpression(node)) {
    return importOrigin(checker, node.expression, depth + 1);
  }
  if (!ts.isIdentifier(node)) return undefined;
  const symbol = checker.getSymbolAtLocation(node);
  const declaration = symbol?.declarations?.[0];
  if (!symbol || !declaration) return undefined;
  // A client exported by another module of the project (`import { queue } from './queues.js'`): where its
  // value comes from there, when that module is part of the program.
  if (symbol.flags & ts.SymbolFlags.Alias) {
    const exported = checker.getAliasedSymbol(symbol).declarations?.[0] ?? unresolvedExport(checker, declaration);
    if (exported && !exported.getSourceFile().isDeclarationFile && exported.getSourceFile() !== node.getSourceFile()) {
      const origin = declarationOrigin(checker, exported, depth + 1);
      if (origin) return origin;
    }
  }
  return declarationOrigin(checker, declaration, depth);
}

/**
 * How the files of a program resolve project imports that TypeScript does not (an extension-less import
 * under NodeNext in a project built by a bundler): set by whoever made the program.
 */
export const projectImports = new WeakMap<ts.TypeChecker, (from: string, specifier: string) => ts.SourceFile | undefined>();

/** The declaration an import names in a project module TypeScript could not resolve, found by its export. */
function unresolvedExport(checker: ts.TypeChecker, declaration: ts.Declaration): ts.Declaration | undefined {
  if (!ts.isImportSpecifier(declaration) && !ts.isImportClause(declaration)) return undefined;
  const specifier = importedModule(declaration);
  if (specifier === undefined) return undefined;
  const module = projectImports.get(checker)?.(declaration.getSourceFile().fileName, specifier);
  if (!module) return undefined;
  const name = ts.isImportClause(declaration) ? 'default' : (declaration.propertyName ?? declaration.name).text;
  return exportedDeclaration(module, name);
}

/** A module's top-level declaration exported as `name` (`export const`, `export function`, `export { x as name }`, `export default x`). */
function exportedDeclaration(module: ts.SourceFile, name: string): ts.Declaration | undefined {
  const local = (text: string): ts.Declaration | undefined => {
    for (const statement of module.statements) {
      if (ts.isVariableStatement(statement)) {
        const found = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === text);
        if (found) return found;
      } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === text) {
        return statement;
      }
    }
    return undefined;
  };
  for (const statement of module.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (name === 'default' && ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) return local(statement.expression.text);
    if (exported && name !== 'default') {
      const found = local(name);
      if (found && (found === statement || (ts.isVariableStatement(statement) && statement.declarationList.declarations.includes(found as ts.VariableDeclaration)))) return found;
    }
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      const element = statement.exportClause.elements.find((e) => e.name.text === name);
      if (element) return local((element.propertyName ?? element.name).text);
    }
  }
  return undefined;
}

/** Where the value a declaration names comes from: an import, an initializer, or the import its declared type names. */
function declarationOrigin(checker: ts.TypeChecker, declaration: ts.Declaration, depth: number): string | undefined {
  if (ts.isImportSpecifier(declaration) || ts.isNamespaceImport(declaration) || ts.isImportClause(declaration)) return importedModule(declaration);
  if (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration) || ts.isParameter(declaration)) {
    const fromValue = declaration.initializer ? importOrigin(checker, declaration.initializer, depth + 1) : undefined;
    // Without typings the declared type is all there is: `private channel: Channel` with Channel imported from amqplib.
    return fromValue ?? (declaration.type ? typeOrigin(checker, declaration.type) : undefined);
  }
  if (ts.isBindingElement(declaration)) {
    let parent: ts.Node = declaration.parent;
    while (ts.isBindingElement(parent) || ts.isObjectBindingPattern(parent) || ts.isArrayBindingPattern(parent)) parent = parent.parent;
    return ts.isVariableDeclaration(parent) && parent.initializer ? importOrigin(checker, parent.initializer, depth + 1) : undefined;
  }
  return undefined;
}

/** The module a type annotation's name is imported from (`Channel`, `amqp.Channel`, `import('amqplib').Channel`, `Channel | undefined`). */
function typeOrigin(checker: ts.TypeChecker, type: ts.TypeNode): string | undefined {
  if (ts.isUnionTypeNode(type)) {
    for (const member of type.types) {
      const origin = typeOrigin(checker, member);
      if (origin) return origin;
    }
    return undefined;
  }
  if (ts.isImportTypeNode(type)) {
    const argument = type.argument;
    return ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal) ? argument.literal.text : undefined;
  }
  if (!ts.isTypeReferenceNode(type)) return undefined;
  let name: ts.EntityName = type.typeName;
  while (ts.isQualifiedName(name)) name = name.left;
  const declaration = checker.getSymbolAtLocation(name)?.declarations?.[0];
  if (!declaration || !(ts.isImportSpecifier(declaration) || ts.isNamespaceImport(declaration) || ts.isImportClause(declaration))) return undefined;
  return importedModule(declaration);
}

/**
 * The name, as its module exports it, of the imported type a receiver is declared with (`private queue:
 * JobQueue<Job>`, `strategy: vendure.JobQueueStrategy`), for a variable, parameter or `this` field: what says,
 * without typings, which of a library's types the receiver is.
 */
export function declaredImportName(checker: ts.TypeChecker, expression: ts.Expression): string | undefined {
  const node = unwrapExpression(expression);
  const name = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword ? node.name : undefined;
  const declaration = name && checker.getSymbolAtLocation(name)?.declarations?.[0];
  if (!declaration || !(ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration) || ts.isParameter(declaration)) || !declaration.type) return undefined;
  const members = ts.isUnionTypeNode(declaration.type) ? declaration.type.types : [declaration.type];
  for (const member of members) {
    if (!ts.isTypeReferenceNode(member)) continue;
    const typeName = member.typeName;
    if (ts.isQualifiedName(typeName)) return typeName.right.text;
    const binding = checker.getSymbolAtLocation(typeName)?.declarations?.[0];
    if (binding && ts.isImportSpecifier(binding)) return (binding.propertyName ?? binding.name).text;
  }
  return undefined;
}

/** The module specifier of the import statement a binding (`{ x }`, `* as x`, a default) belongs to. */
function importedModule(binding: ts.ImportSpecifier | ts.NamespaceImport | ts.ImportClause): string | undefined {
  let node: ts.Node = binding;
  while (!ts.isImportDeclaration(node)) node = node.parent;
  return ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
}

export function isFromModules(origin: string | undefined, modules: string[]): boolean {
  return origin !== undefined && modules.some((name) => origin === name || origin.startsWith(`${name}/`));
}

/** A constant string an expression always has (literal, const, enum member), via its literal type. */
export function constantString(checker: ts.TypeChecker, expression: ts.Expression | undefined): string | undefined {
  if (!expression) return undefined;
  const node = unwrapExpression(expression);
  if (ts.isStringLiteralLike(node)) return node.text;
  const type = checker.getTypeAtLocation(node);
  return type.isStringLiteral() ? type.value : undefined;
}

/** The object literal a value comes from: inline, or the initializer of a const in this file. */
export function objectLiteralOf(checker: ts.TypeChecker, expression: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  if (!expression) return undefined;
  const node = unwrapExpression(expression);
  if (ts.isObjectLiteralExpression(node)) return node;
  if (ts.isIdentifier(node)) {
    const declaration = valueDeclarationOf(checker, node);
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) {
      const initializer = unwrapExpression(declaration.initializer);
      return ts.isObjectLiteralExpression(initializer) ? initializer : undefined;
    }
  }
  return undefined;
}

/** `{ attributes: X }` or `{ value: X }` of an inline (or const) object. */
export function propertyValue(checker: ts.TypeChecker, node: ts.Expression | undefined, name: string): ts.Expression | undefined {
  const literal = objectLiteralOf(checker, node);
  const property = literal && findProperty(literal, name);
  if (property && ts.isPropertyAssignment(property)) return property.initializer;
  if (property && ts.isShorthandPropertyAssignment(property)) return property.name;
  return undefined;
}

export function findProperty(object: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return object.properties.find((p) => p.name !== undefined && propertyNameText(p.name) === name);
}

export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

/** The `new X(...)` a receiver was built with, when visible (variable or class property initializer). */
export function constructionOf(checker: ts.TypeChecker, receiver: ts.Expression): ts.NewExpression | undefined {
  const node = unwrapExpression(receiver);
  if (ts.isNewExpression(node)) return node;
  const target = ts.isPropertyAccessExpression(node) ? node.name : node;
  const declaration = valueDeclarationOf(checker, target);
  if (declaration && (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer) {
    const initializer = unwrapExpression(declaration.initializer);
    return ts.isNewExpression(initializer) ? initializer : undefined;
  }
  return undefined;
}

/**
 * Every `new` a value can come from: through variables and fields (their initializer and every assignment to
 * them in their file), awaits, and the return statements of the functions that make it (`getQueue()` that
 * builds the queue on first use).
 */
export function constructionsOf(checker: ts.TypeChecker, expression: ts.Expression, depth = 0, seen = new Set<ts.Node>()): ts.NewExpression[] {
  const node = unwrapExpression(expression);
  if (depth > 6 || seen.has(node)) return [];
  seen.add(node);
  if (ts.isNewExpression(node)) return [node];
  if (ts.isAwaitExpression(node)) return constructionsOf(checker, node.expression, depth + 1, seen);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) return constructionsOf(checker, node.right, depth + 1, seen);
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return [...constructionsOf(checker, node.left, depth + 1, seen), ...constructionsOf(checker, node.right, depth + 1, seen)];
  }
  if (ts.isCallExpression(node)) {
    const declaration = valueDeclarationOf(checker, ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression);
    const fn = declaration && (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) ? declaration
      : declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer)) ? declaration.initializer : undefined;
    if (!fn?.body) return [];
    if (!ts.isBlock(fn.body)) return constructionsOf(checker, fn.body, depth + 1, seen);
    const found: ts.NewExpression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n)) return;
      if (ts.isReturnStatement(n) && n.expression) found.push(...constructionsOf(checker, n.expression, depth + 1, seen));
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(fn.body, visit);
    return found;
  }
  if (!ts.isIdentifier(node) && !ts.isPropertyAccessExpression(node)) return [];
  const name = ts.isPropertyAccessExpression(node) ? node.name : node;
  const symbol = checker.getSymbolAtLocation(name);
  const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = target?.valueDeclaration;
  if (!declaration) return [];
  const found: ts.NewExpression[] = [];
  if ((ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer) found.push(...constructionsOf(checker, declaration.initializer, depth + 1, seen));
  // `queue = new Queue(...)` anywhere in the file that declares it (built on first use).
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrapExpression(n.left);
      const leftName = ts.isPropertyAccessExpression(left) ? left.name : left;
      if (ts.isIdentifier(leftName) && leftName.text === name.text) {
        const assigned = checker.getSymbolAtLocation(leftName);
        if (assigned === target || assigned === symbol) found.push(...constructionsOf(checker, n.right, depth + 1, seen));
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(declaration.getSourceFile());
  return found;
}

/** The `const` a receiver names, when it holds the result of a call of `method` (`ai.chats.create(...)`). */
export function creatingCallOf(checker: ts.TypeChecker, receiver: ts.Expression, method: string): ts.CallExpression | undefined {
  const initializer = fixedInitializerOf(checker, unwrapExpression(receiver));
  return initializer && ts.isCallExpression(initializer) && ts.isPropertyAccessExpression(initializer.expression) && initializer.expression.name.text === method ? initializer : undefined;
}

/**
 * What a name always holds: the initializer of the `const` it names, or of the class field `this.x` names when
 * the field is readonly or no statement of its class assigns it.
 */
export function fixedInitializerOf(checker: ts.TypeChecker, node: ts.Expression): ts.Expression | undefined {
  const name = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword ? node.name : undefined;
  const declaration = name && valueDeclarationOf(checker, name);
  if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) return unwrapExpression(declaration.initializer);
  if (declaration && ts.isPropertyDeclaration(declaration) && declaration.initializer && !isAssignedElsewhere(declaration)) return unwrapExpression(declaration.initializer);
  return undefined;
}

/** A class field that some statement of its class assigns (`this.topic = ...`), unless it is readonly. */
function isAssignedElsewhere(field: ts.PropertyDeclaration): boolean {
  if (ts.getCombinedModifierFlags(field) & ts.ModifierFlags.Readonly) return false;
  const name = field.name.getText();
  const visit = (n: ts.Node): boolean => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrapExpression(n.left);
      if (ts.isPropertyAccessExpression(left) && left.name.text === name) return true;
    }
    return ts.forEachChild(n, visit) ?? false;
  };
  return visit(field.parent);
}

/** The declaration behind a name, through imports (`import { queue } from './queues.js'`). */
export function valueDeclarationOf(checker: ts.TypeChecker, node: ts.Node): ts.Declaration | undefined {
  let symbol = checker.getSymbolAtLocation(node);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.valueDeclaration;
}

/** What an expression holds: the initializer of the `const` it names (here or imported), or itself. */
export function constValueOf(checker: ts.TypeChecker, expression: ts.Expression): ts.Expression {
  const node = unwrapExpression(expression);
  if (!ts.isIdentifier(node)) return node;
  const declaration = valueDeclarationOf(checker, node);
  const isConst = declaration && ts.isVariableDeclaration(declaration) && ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const;
  return isConst && declaration.initializer ? unwrapExpression(declaration.initializer) : node;
}
