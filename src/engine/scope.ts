import { ts } from './typescript.cjs';

/**
 * A read (`MODEL`, `config.model`, `this.options.model`) written elsewhere (where the model was built) that
 * names the same value when written at `site`: its first name resolves there to the same declaration, or
 * `this` is the same object.
 */
export function meansTheSameAt(checker: ts.TypeChecker, value: ts.Expression, site: ts.Node): boolean {
  let root = value;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  if (root.kind === ts.SyntaxKind.ThisKeyword) return thisOwner(root) === thisOwner(site);
  if (!ts.isIdentifier(root)) return false;
  const declared = ts.isShorthandPropertyAssignment(root.parent) ? checker.getShorthandAssignmentValueSymbol(root.parent) : checker.getSymbolAtLocation(root);
  return declared !== undefined && checker.resolveName(root.text, site, ts.SymbolFlags.Value, false) === declared;
}

/** What `this` is bound to at a node: its class (in a member or field initializer), else its function or file. */
function thisOwner(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isArrowFunction(current)) continue;
    if (ts.isClassLike(current)) return current;
    if ((ts.isMethodDeclaration(current) || ts.isConstructorDeclaration(current) || ts.isAccessor(current) || ts.isPropertyDeclaration(current)) && ts.isClassLike(current.parent)) {
      return current.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ? current : current.parent;
    }
    if (ts.isFunctionLike(current) || ts.isSourceFile(current)) return current;
  }
  return undefined;
}
