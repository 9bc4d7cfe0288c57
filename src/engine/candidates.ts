// Which files may hold call sites. The text prefilter keeps a file that names a target's package or type;
// real applications also create a client in one module and call it in another (`import { openai } from
// '@/lib/openai'`, `getExtractQueue().add(...)`), so a file that imports such a module is a candidate too, and
// so is a file importing a module that passes the client on (a barrel's `export * from`, `export { openai }`).
// The checker decides afterwards; this only spares parsing files that cannot hold a call site.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'jsonc-parser';
import { withoutComments } from '../targets/global-tracers.js';
import { escapeRegExp } from './prefilter.js';

/** What the candidate search needs to know of one module, from its text alone. */
export interface ModuleFacts {
  /** The prefilter keeps it: it names a target's package or type. */
  kept: boolean;
  /** The project's modules whose exports it uses itself (imports, requires), resolved. */
  imports: string[];
  /** Of those, the ones whose exports it passes on to its own importers. */
  passesOn: string[];
}

const IMPORT = /\bimport\s+(type\s+)?([\w$]+\s*,?\s*)?(\*\s*as\s+[\w$]+|\{[^}]*\})?\s*from\s*['"]([^'"]+)['"]|\bexport\s+(?:type\s+)?(\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*['"]([^'"]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const LOCAL_EXPORTS = /\bexport\s*\{([^}]*)\}(?!\s*from)|\bexport\s+default\s+([\w$]+)\s*;?\s*$|\bexport\s+(?:const|let|var)\s+[\w$]+\s*=\s*([\w$]+)\s*[;\n]|\bmodule\.exports\s*=\s*\{([^}]*)\}|\bmodule\.exports\s*=\s*([\w$]+)|\bexports\.[\w$]+\s*=\s*([\w$]+)/gm;
/** `export const orders = await broker.createChannel()`, `export default broker.createChannel()`: what a module makes and exports. */
const DERIVED_EXPORT = /\bexport\s+(?:const|let|var)\s+[\w$]+\s*(?::[^=;]+)?=([^;]*?)(?:;|\n(?!\s*[.?)]))|\bexport\s+default\s+([^;]*?)(?:;|\n(?!\s*[.?)]))/g;
const REQUIRE_BINDING = /\b(?:const|let|var)\s+(\{[^}]*\}|[\w$]+)\s*=\s*require\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The names a binding list declares locally: `{ a, b as c }` gives a and c; `* as ns` gives ns. */
function localNames(clause: string | undefined): string[] {
  if (!clause) return [];
  return clause
    .replace(/^\{|\}$/g, '')
    .replace(/^\*\s*as\s+/, '')
    .split(',')
    .map((part) => part.trim().split(/\s+as\s+|\s*:\s*/).pop()!.replace(/^type\s+/, '').trim())
    .filter((name) => /^[\w$]+$/.test(name));
}

export function factsOf(path: string, text: string, kept: boolean, resolveImport: (from: string, specifier: string) => string | undefined): ModuleFacts {
  const imports = new Set<string>();
  const passesOn = new Set<string>();
  const namesFrom = new Map<string, string[]>();
  for (const match of text.matchAll(IMPORT)) {
    const [, , defaultName, clause, from, reexported, reexportFrom, called] = match;
    const specifier = from ?? reexportFrom ?? called;
    const target = specifier ? resolveImport(path, specifier) : undefined;
    if (!target) continue;
    // `export ... from` hands a module's exports on without using them: only its importers can call them.
    if (reexported) {
      passesOn.add(target);
      continue;
    }
    imports.add(target);
    if (from) namesFrom.set(target, [...(namesFrom.get(target) ?? []), ...localNames(defaultName?.replace(',', '')), ...localNames(clause)]);
  }
  for (const [, binding, specifier] of text.matchAll(REQUIRE_BINDING)) {
    const target = resolveImport(path, specifier!);
    if (target) namesFrom.set(target, [...(namesFrom.get(target) ?? []), ...localNames(binding)]);
  }
  if (namesFrom.size > 0) {
    const exported = new Set<string>();
    for (const match of text.matchAll(LOCAL_EXPORTS)) {
      for (const names of [match[1], match[4]]) localNames(names && `{${names}}`).forEach((n) => exported.add(n));
      for (const name of [match[2], match[3], match[5], match[6]]) if (name) exported.add(name);
    }
    // A client made from an imported one (a channel from a connection, a factory of them) passes it on too.
    const derived = [...text.matchAll(DERIVED_EXPORT)].map((match) => match[1] ?? match[2] ?? '').join('\n');
    const isDerivedFrom = (name: string) => derived !== '' && new RegExp(`(?<![\\w$.])${escapeRegExp(name)}(?![\\w$])`).test(derived);
    for (const [target, names] of namesFrom) if (names.some((name) => exported.has(name) || isDerivedFrom(name))) passesOn.add(target);
  }
  return { kept, imports: [...imports], passesOn: [...passesOn] };
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * Resolves an import to a source file of the project: relative specifiers, with or without
 * an extension (`./a.js` names `a.ts`) or as a folder's index, and the `paths` aliases of the tsconfig.json
 * nearest to the importing file (its own or inherited through a relative `extends`). Packages resolve to nothing.
 */
export function createImportResolver(
  isKnown: (path: string) => boolean,
  isOnDisk: (path: string) => boolean = () => false,
): (from: string, specifier: string) => string | undefined {
  const aliasesByDir = new Map<string, Alias[]>();
  const workspaces = new Map<string, string | null>();
  const find = (base: string) => {
    const stem = base.replace(/\.[cm]?[jt]sx?$/, '');
    const names = [base, ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => join(base, `index${e}`))];
    // The files at hand first: the disk only for a module outside them.
    return names.find(isKnown) ?? names.find(isOnDisk);
  };
  return (from, specifier) => {
    if (specifier.startsWith('.')) return find(resolve(dirname(from), specifier));
    if (specifier.startsWith('/')) return find(specifier);
    for (const alias of aliasesOf(dirname(from), aliasesByDir)) {
      const rest = alias.prefix.endsWith('*') ? (specifier.startsWith(alias.prefix.slice(0, -1)) ? specifier.slice(alias.prefix.length - 1) : undefined) : specifier === alias.prefix ? '' : undefined;
      if (rest === undefined) continue;
      for (const target of alias.targets) {
        const found = find(resolve(alias.base, target.replace('*', rest)));
        if (found) return found;
      }
    }
    const workspace = workspaceEntry(dirname(from), specifier, workspaces);
    return workspace && find(workspace);
  };
}

/**
 * A package of the same workspace imported by its name (`@acme/clients`): npm, pnpm and yarn link it into
 * node_modules, and its real folder lies outside any node_modules. Its source entry is what the candidate
 * search follows: the TypeScript source its `main`/`types` are built from (`dist/index.js` → `src/index.ts`),
 * else `src/index` or `index`. Packages installed from a registry resolve to nothing.
 */
function workspaceEntry(dir: string, specifier: string, cache: Map<string, string | null>): string | undefined {
  const name = /^(@[^/]+\/[^/]+|[^@/][^/]*)/.exec(specifier)?.[1];
  if (!name) return undefined;
  const subpath = specifier.slice(name.length);
  for (let current = dir; ; current = dirname(current)) {
    const link = join(current, 'node_modules', name);
    const key = `${link}${subpath}`;
    if (!cache.has(key)) cache.set(key, existsSync(link) ? sourceEntry(realpathSync(link), subpath) ?? null : null);
    const found = cache.get(key);
    if (found) return found;
    if (existsSync(link) || dirname(current) === current) return undefined;
  }
}

function sourceEntry(packageDir: string, subpath: string): string | undefined {
  if (/[\\/]node_modules[\\/]/.test(packageDir)) return undefined;
  if (subpath) return join(packageDir, 'src', subpath);
  let manifest: { main?: unknown; types?: unknown; module?: unknown; source?: unknown } = {};
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return undefined;
  }
  for (const entry of [manifest.source, manifest.types, manifest.module, manifest.main]) {
    if (typeof entry !== 'string') continue;
    const built = entry.replace(/\.d\.[cm]?ts$/, '').replace(/\.[cm]?js$/, '');
    const source = built.replace(/^(\.\/)?(dist|build|lib|out)\//, '$1src/');
    return join(packageDir, source);
  }
  return join(packageDir, existsSync(join(packageDir, 'src')) ? 'src/index' : 'index');
}

interface Alias {
  prefix: string;
  targets: string[];
  base: string;
}

function aliasesOf(dir: string, cache: Map<string, Alias[]>): Alias[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  const config = join(dir, 'tsconfig.json');
  const parent = dirname(dir);
  const aliases = existsSync(config) ? configAliases(config, 0) : parent === dir ? [] : aliasesOf(parent, cache);
  cache.set(dir, aliases);
  return aliases;
}

function configAliases(config: string, depth: number): Alias[] {
  let json: { extends?: unknown; compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string } } | undefined;
  try {
    json = parse(readFileSync(config, 'utf8')) as typeof json;
  } catch {
    return [];
  }
  const options = json?.compilerOptions;
  if (options?.paths) {
    const base = resolve(dirname(config), options.baseUrl ?? '.');
    return Object.entries(options.paths).map(([prefix, targets]) => ({ prefix, targets: Array.isArray(targets) ? targets : [], base }));
  }
  const parent = typeof json?.extends === 'string' && json.extends.startsWith('.') ? resolve(dirname(config), json.extends) : undefined;
  if (!parent || depth > 5) return [];
  return configAliases(parent.endsWith('.json') ? parent : `${parent}.json`, depth + 1);
}

/**
 * The candidates among `files` (the project's source files a command works on): modules the prefilter keeps,
 * and modules importing a module that holds a client, or passes one on (a barrel, at any depth). A module
 * imported from outside `files` is read from disk to learn whether it holds a client.
 */
export function selectCandidates(
  files: readonly { path: string; text: string; facts?: ModuleFacts | undefined }[],
  isKept: (text: string) => boolean,
): { candidates: Set<string>; facts: Map<string, ModuleFacts> } {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const resolveImport = createImportResolver((path) => texts.has(path), isProjectSource);
  const facts = new Map<string, ModuleFacts>();
  for (const file of files) if (file.facts) facts.set(file.path, file.facts);
  const factsFor = (path: string): ModuleFacts | undefined => {
    if (!facts.has(path)) {
      const text = texts.get(path) ?? readSource(path);
      if (text === undefined) return undefined;
      facts.set(path, factsOf(path, text, isKept(text), resolveImport));
    }
    return facts.get(path);
  };
  const bearing = new Map<string, boolean>();
  const bears = (path: string, depth: number): boolean => {
    const known = bearing.get(path);
    if (known !== undefined) return known;
    // Marked first, so an import cycle ends here.
    bearing.set(path, false);
    const f = factsFor(path);
    const result = !!f && (f.kept || (depth < MAX_DEPTH && f.passesOn.some((target) => bears(target, depth + 1))));
    bearing.set(path, result);
    return result;
  };
  const candidates = new Set<string>();
  for (const file of files) {
    // A module that only passes a client on (a barrel) holds no call of it: its importers do.
    const own = factsFor(file.path)!;
    if (own.kept || own.imports.some((target) => bears(target, 0))) candidates.add(file.path);
  }
  return { candidates, facts };
}

/** Barrels re-exporting barrels rarely go deeper; past this a client is not followed. */
const MAX_DEPTH = 8;

function isProjectSource(path: string): boolean {
  return /\.[cm]?[jt]sx?$/.test(path) && !/[\\/]node_modules[\\/]/.test(path) && !/\.d\.[cm]?ts$/.test(path) && existsSync(path);
}

function readSource(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The specifiers of `module` (`@langchain/core`, `@langchain/core/messages`) that a file imports, requires or
 * loads with `import()`; a commented-out import imports nothing.
 */
export function importedSpecifiers(text: string, module: string): string[] {
  if (!text.includes(module)) return [];
  const statement = new RegExp(`(?:\\bfrom\\s*|\\bimport\\s*\\(?\\s*|\\brequire\\s*\\(\\s*)['"\`](${escapeRegExp(module)}(?:/[^'"\`]*)?)['"\`]`, 'g');
  if (!statement.test(text)) return [];
  statement.lastIndex = 0;
  return [...new Set([...withoutComments(text).matchAll(statement)].map((match) => match[1]!))];
}
