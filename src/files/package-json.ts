import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { applyEdits, findNodeAtLocation, parseTree, printParseErrorCode, type Edit, type Node, type ParseError } from 'jsonc-parser';
import { nearest } from './nearest.js';

export interface Need {
  name: string;
  range: string;
}

export interface DependencyEdit {
  text: string;
  added: string[];
  presentElsewhere: { name: string; field: string }[];
}

/** Fields that make a package available at run time without our help. */
const SATISFYING_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const BOM = '\uFEFF';

/**
 * Declares in `dependencies` what rewritten code now imports. The edit is spliced into the text rather
 * than re-serialised (jsonc-parser's own `modify` reformats whole lines, e.g. `"files": ["dist"]`), so a
 * reviewer's diff shows only the new lines, in the file's own indentation and line endings. A package
 * only in `devDependencies` is reported, not moved: that is the owner's call.
 */
export function addDependencies(text: string, needs: Need[]): DependencyEdit {
  const bom = text.startsWith(BOM) ? BOM : '';
  let body = text.slice(bom.length);
  const added: string[] = [];
  const presentElsewhere: { name: string; field: string }[] = [];
  const missing: Need[] = [];
  const root = parseObject(body);
  for (const need of needs) {
    if (missing.some((m) => m.name === need.name) || presentElsewhere.some((p) => p.name === need.name)) continue;
    if (SATISFYING_FIELDS.some((field) => hasKey(findNodeAtLocation(root, [field]), need.name))) continue;
    if (hasKey(findNodeAtLocation(root, ['devDependencies']), need.name)) presentElsewhere.push({ name: need.name, field: 'devDependencies' });
    else missing.push(need);
  }
  if (missing.length === 0) return { text, added, presentElsewhere };

  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const dependencies = findNodeAtLocation(root, ['dependencies']);
  if (dependencies === undefined) {
    body = applyEdits(body, [createDependencies(body, root, missing, eol)]);
  } else {
    if (dependencies.type !== 'object') throw new Error(`package.json: "dependencies" is not an object`);
    for (const need of missing) {
      const current = findNodeAtLocation(parseObject(body), ['dependencies']) as Node;
      body = applyEdits(body, [insertMember(body, current, need, eol)]);
    }
  }
  added.push(...missing.map((m) => m.name));
  return { text: bom + body, added, presentElsewhere };
}

/**
 * Replaces the value of an existing script, spliced in place like {@link addDependencies}: only that string
 * changes. Throws when the script is not there or is not a string.
 */
export function replaceScript(text: string, name: string, value: string): string {
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = text.slice(bom.length);
  const script = findNodeAtLocation(parseObject(body), ['scripts', name]);
  if (script?.type !== 'string') throw new Error(`package.json has no "${name}" script`);
  return bom + applyEdits(body, [{ offset: script.offset, length: script.length, content: JSON.stringify(value) }]);
}

/** The position of a key's value in package.json, 1-based, for messages that point at it. */
export function lineOfKey(text: string, path: string[]): number | undefined {
  const node = findNodeAtLocation(parseObject(text.replace(/^\uFEFF/, '')), path);
  return node === undefined ? undefined : position(text.replace(/^\uFEFF/, ''), node.offset).line;
}

function parseObject(text: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const error = errors[0];
  if (error !== undefined) {
    const { line, column } = position(text, error.offset);
    throw new Error(`package.json does not parse at ${line}:${column}: ${printParseErrorCode(error.error)}`);
  }
  if (root?.type !== 'object') throw new Error('package.json does not parse as an object');
  return root;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function hasKey(object: Node | undefined, key: string): boolean {
  return object?.type === 'object' && (object.children ?? []).some((property) => property.children?.[0]?.value === key);
}

const keyOf = (property: Node): string => String(property.children?.[0]?.value);

/** npm writes dependency keys in code-unit order; a hand-ordered list is left in its order. */
function isSorted(keys: string[]): boolean {
  return keys.every((key, i) => i === 0 || (keys[i - 1] as string) < key);
}

/** The whitespace that separates `property` from the `{` or `,` before it, cut to its last line. */
function leadingSpace(text: string, property: Node): string {
  let start = property.offset;
  while (start > 0 && /\s/.test(text.charAt(start - 1))) start--;
  const space = text.slice(start, property.offset);
  const newline = space.lastIndexOf('\n');
  return newline === -1 ? space : space.slice(newline + 1);
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** Tabs, 2 or 4 spaces: whatever the top-level keys are indented with. */
function indentUnit(text: string, root: Node): string {
  for (const property of root.children ?? []) {
    const space = leadingSpace(text, property);
    if (space !== '' && breaksLine(text, property)) return space;
  }
  return /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
}

function breaksLine(text: string, property: Node): boolean {
  let start = property.offset;
  while (start > 0 && /[ \t]/.test(text.charAt(start - 1))) start--;
  return start === 0 || text.charAt(start - 1) === '\n';
}

/** `": "` or `":"`, as the object's first member (or the file's first key) writes it. */
function colonOf(text: string, ...objects: (Node | undefined)[]): string {
  for (const object of objects) {
    const [key, value] = object?.children?.[0]?.children ?? [];
    if (key !== undefined && value !== undefined) return text.slice(key.offset + key.length, value.offset);
  }
  return ': ';
}

const member = (name: string, value: string, colon: string) => `${JSON.stringify(name)}${colon}${value}`;

/** An edit that adds a member to `object` at `index`, laid out like its neighbours. */
function insertAt(text: string, object: Node, index: number, content: string, eol: string, unit: string): Edit {
  const members = object.children ?? [];
  const onOwnLine = (space: string, property: Node) => (breaksLine(text, property) ? eol + space : space);
  const previous = members[index - 1];
  if (previous !== undefined) {
    const neighbour = members[index] ?? previous;
    return { offset: previous.offset + previous.length, length: 0, content: ',' + onOwnLine(leadingSpace(text, neighbour), neighbour) + content };
  }
  const first = members[0];
  if (first !== undefined) return { offset: first.offset, length: 0, content: content + ',' + onOwnLine(leadingSpace(text, first), first) };
  const closing = lineIndent(text, object.offset);
  return { offset: object.offset + 1, length: object.length - 2, content: eol + closing + unit + content + eol + closing };
}

function insertMember(text: string, dependencies: Node, need: Need, eol: string): Edit {
  const keys = (dependencies.children ?? []).map(keyOf);
  const index = isSorted(keys) ? keys.filter((key) => key < need.name).length : keys.length;
  const root = dependencies.parent?.parent as Node;
  const colon = colonOf(text, dependencies, root);
  return insertAt(text, dependencies, index, member(need.name, JSON.stringify(need.range), colon), eol, indentUnit(text, root));
}

/** npm's own place for it: before devDependencies, else before peerDependencies, else last. */
function createDependencies(text: string, root: Node, needs: Need[], eol: string): Edit {
  const keys = (root.children ?? []).map(keyOf);
  const before = ['devDependencies', 'peerDependencies'].map((key) => keys.indexOf(key)).find((i) => i !== -1);
  const index = before ?? keys.length;
  const unit = indentUnit(text, root);
  const colon = colonOf(text, root);
  const sorted = [...needs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries = sorted.map((need) => member(need.name, JSON.stringify(need.range), colon));
  const neighbour = root.children?.[index] ?? root.children?.[index - 1];
  let object: string;
  if (neighbour === undefined || breaksLine(text, neighbour)) {
    const indent = neighbour === undefined ? unit : lineIndent(text, neighbour.offset);
    object = `{${eol}${entries.map((entry) => indent + unit + entry).join(',' + eol)}${eol}${indent}}`;
  } else {
    const space = leadingSpace(text, neighbour);
    object = `{${space}${entries.join(',' + space)}${space}}`;
  }
  return insertAt(text, root, index, member('dependencies', object, colon), eol, unit);
}

export type PackageManagerName = 'npm' | 'pnpm' | 'yarn' | 'bun';

export interface PackageManager {
  name: PackageManagerName;
  install: string;
  lockfile?: string;
}

const LOCKFILES: [string, PackageManagerName][] = [
  ['npm-shrinkwrap.json', 'npm'],
  ['package-lock.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
];
const MANAGERS: PackageManagerName[] = ['npm', 'pnpm', 'yarn', 'bun'];

/**
 * The package manager that will see the added dependencies, so the note after `otelify apply` names
 * the install command that updates the lockfile the project actually commits. A workspace package has
 * no lockfile of its own, hence the walk up to the root's.
 */
export function packageManagerOf(packageDir: string): PackageManager {
  const start = resolve(packageDir);
  for (let dir = start; ; dir = dirname(dir)) {
    const found = LOCKFILES.filter(([file]) => existsSync(join(dir, file)));
    if (found.length > 0) {
      // Two managers' lockfiles side by side: the declared one is the one in use.
      const declared = new Set(found.map(([, manager]) => manager)).size > 1 ? declaredManager(start) : undefined;
      const [file, name] = found.find(([, manager]) => manager === declared) ?? (found[0] as [string, PackageManagerName]);
      return { name, install: `${name} install`, lockfile: join(dir, file) };
    }
    if (dirname(dir) === dir) break;
  }
  const name = declaredManager(start) ?? 'npm';
  return { name, install: `${name} install` };
}

/** The `packageManager` field ("pnpm@9.1.0") of the nearest package.json that has one. */
function declaredManager(from: string): PackageManagerName | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      let field: unknown;
      try {
        field = (JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as { packageManager?: unknown }).packageManager;
      } catch {
        field = undefined;
      }
      const name = typeof field === 'string' ? field.split('@')[0] : undefined;
      if (name !== undefined && (MANAGERS as string[]).includes(name)) return name as PackageManagerName;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The package.json whose `dependencies` must list what a rewritten file imports: Node resolves a bare
 * import from the nearest one. `stopAt` keeps the search inside the project being rewritten.
 */
export function owningPackageJson(file: string, stopAt?: string): string | undefined {
  const found = nearest(dirname(resolve(file)), 'package.json');
  if (found === undefined || stopAt === undefined) return found;
  const fromStop = relative(resolve(stopAt), dirname(found));
  return fromStop === '..' || fromStop.startsWith('..' + sep) || isAbsolute(fromStop) ? undefined : found;
}
