// Vitest globalSetup: puts the typings of @confluentinc/kafka-javascript into node_modules for the fixtures
// that import it (fixtures/kafkajs/confluent.*.ts), without installing the package: its install script
// downloads or compiles librdkafka. The pinned tarball is fetched with `npm pack` (npm checks it against the
// registry; we check it against the integrity pinned below too), and only its package.json and the
// declaration files its `types` entry reaches are copied out of it. Nothing from the package is ever run.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = '@confluentinc/kafka-javascript';
const VERSION = '1.10.1';
// sha512 of confluentinc-kafka-javascript-1.10.1.tgz, as the registry and `npm pack --json` report it.
const INTEGRITY = 'sha512-KVePUBn21EqCVP9mfxzEuM3SYJHHEF7X+iiC2e43QQgDSyEaksInmCGooT3w5q+cNAdkSCrK71j0ICfqoSqZLw==';
const MARKER = '.typings-only.json';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET = join(ROOT, 'node_modules', NAME);

interface Manifest {
  version?: string;
  types?: string;
  typings?: string;
}

interface PackResult {
  integrity?: string;
  filename?: string;
  files?: { path: string }[];
}

const readManifest = (dir: string): Manifest | undefined => {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
};

const typesEntry = (manifest: Manifest): string => posix.normalize(manifest.types ?? manifest.typings ?? 'index.d.ts');

// Our copy is renamed into place whole, so its package.json at the pinned version and the files its marker lists
// mean it is complete; a full install of that version (package.json plus its types entry) is accepted as well.
function isReady(): boolean {
  const manifest = readManifest(TARGET);
  if (manifest?.version !== VERSION || !existsSync(join(TARGET, typesEntry(manifest)))) return false;
  let marker: { integrity?: string; files?: string[] };
  try {
    marker = JSON.parse(readFileSync(join(TARGET, MARKER), 'utf8')) as typeof marker;
  } catch {
    return !existsSync(join(TARGET, MARKER));
  }
  return marker.integrity === INTEGRITY && (marker.files ?? []).every((file) => existsSync(join(TARGET, file)));
}

function run(file: string, args: string[], cwd: string): string {
  try {
    return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`typings for ${NAME}: \`${basename(file)} ${args.join(' ')}\` failed:\n${stderr || stdout || (error as Error).message}`);
  }
}

function npm(args: string[]): string {
  // Under `npm test` or `npx`, use the npm that started us; `npm` on PATH otherwise.
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.[cm]?js$/.test(cli)) return run(process.execPath, [cli, ...args], ROOT);
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, ROOT);
}

/** The declaration files reached from the types entry, by relative imports and references; fails on a bare
 * specifier that is neither a Node built-in (typed by @types/node) nor an installed package. */
function declarationClosure(ts: typeof import('typescript'), dir: string, entry: string): string[] {
  const found = new Set<string>();
  const missing = new Set<string>();
  const candidates = (from: string, specifier: string): string[] => {
    const base = posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.[cm]?js$/, '');
    return [base, `${base}.d.ts`, `${base}.d.mts`, `${base}.d.cts`, `${base}/index.d.ts`].filter((p) => /\.d\.[cm]?ts$/.test(p));
  };
  const installed = (specifier: string): boolean => {
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
    if (isBuiltin(specifier)) return existsSync(join(ROOT, 'node_modules/@types/node/package.json'));
    return [name, `@types/${name.replace(/^@([^/]+)\//, '$1__')}`].some((pkg) => existsSync(join(ROOT, 'node_modules', pkg, 'package.json')));
  };
  const specifiers = (source: import('typescript').SourceFile): string[] => {
    const out: string[] = [];
    const walk = (node: import('typescript').Node): void => {
      const specifier =
        ts.isImportDeclaration(node) || ts.isExportDeclaration(node) ? node.moduleSpecifier
        : ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) ? node.moduleReference.expression
        : ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) ? node.argument.literal
        : undefined;
      if (specifier && ts.isStringLiteral(specifier)) out.push(specifier.text);
      ts.forEachChild(node, walk);
    };
    walk(source);
    return out;
  };
  const visit = (file: string): void => {
    if (found.has(file)) return;
    found.add(file);
    const source = ts.createSourceFile(file, readFileSync(join(dir, file), 'utf8'), ts.ScriptTarget.Latest, false);
    for (const ref of source.referencedFiles) visit(posix.normalize(posix.join(posix.dirname(file), ref.fileName)));
    for (const ref of source.typeReferenceDirectives) if (!installed(ref.fileName)) missing.add(ref.fileName);
    for (const specifier of specifiers(source)) {
      if (specifier.startsWith('.')) {
        const target = candidates(file, specifier).find((p) => existsSync(join(dir, p)));
        if (!target) throw new Error(`typings for ${NAME}: ${file} imports '${specifier}', which is not among the extracted declaration files`);
        visit(target);
      } else if (!installed(specifier)) missing.add(specifier);
    }
  };
  if (!existsSync(join(dir, entry))) throw new Error(`typings for ${NAME}: the types entry ${entry} is not in the tarball`);
  visit(entry);
  if (missing.size > 0) throw new Error(`typings for ${NAME}@${VERSION} import packages that are not installed: ${[...missing].join(', ')}`);
  return [...found];
}

async function fetchTypings(): Promise<void> {
  // Loaded here only: the cached path stays a single stat and read.
  const { default: ts } = await import('typescript');
  const work = mkdtempSync(join(tmpdir(), 'otelify-typings-'));
  const parent = dirname(TARGET);
  const staging = join(parent, `.${basename(TARGET)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    // --prefer-offline: once the tarball is in npm's cache, no request is made at all.
    const output = npm(['pack', `${NAME}@${VERSION}`, '--pack-destination', work, '--json', '--prefer-offline', '--ignore-scripts', '--loglevel=error']);
    const [result] = JSON.parse(output) as PackResult[];
    if (result?.integrity !== INTEGRITY || !result.filename) {
      throw new Error(`typings for ${NAME}@${VERSION}: npm pack reported integrity ${result?.integrity}, expected the pinned ${INTEGRITY}. ` +
        'Refusing to use this tarball; if the version was changed on purpose, update VERSION and INTEGRITY in test/support/typings.ts.');
    }
    const tarball = join(work, result.filename);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== INTEGRITY) throw new Error(`typings for ${NAME}@${VERSION}: ${tarball} hashes to ${actual}, expected the pinned ${INTEGRITY}`);

    const declarations = (result.files ?? []).map((f) => f.path).filter((p) => /\.d\.[cm]?ts$/.test(p));
    const extracted = join(work, 'x');
    mkdirSync(extracted);
    // Relative paths with cwd set, so that no tar reads a drive letter as a remote host.
    run('tar', ['-xzf', result.filename, '-C', 'x', ...['package.json', ...declarations].map((p) => `package/${p}`)], work);
    const from = join(extracted, 'package');
    const manifest = readManifest(from);
    if (manifest?.version !== VERSION) throw new Error(`typings for ${NAME}: the tarball's package.json is not version ${VERSION}`);

    const files = declarationClosure(ts, from, typesEntry(manifest));
    mkdirSync(staging, { recursive: true });
    for (const file of files) {
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      copyFileSync(join(from, file), join(staging, file));
    }
    // The manifest as published, less what could make a later `npm rebuild` run something from it.
    const published = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['scripts', 'gypfile', 'binary']) delete published[key];
    writeFileSync(join(staging, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
    writeFileSync(join(staging, MARKER), `${JSON.stringify({ version: VERSION, integrity: INTEGRITY, files, by: 'test/support/typings.ts' }, null, 2)}\n`);

    // Into place by rename, so another process never sees a half-written directory. A stale copy (another version)
    // is moved aside first; if another process got there first, its copy is as good as ours.
    if (existsSync(TARGET) && !isReady()) {
      const old = `${staging}.old`;
      try {
        renameSync(TARGET, old);
      } catch {
        // Already moved by a concurrent run.
      }
      rmSync(old, { recursive: true, force: true });
    }
    try {
      renameSync(staging, TARGET);
    } catch (error) {
      if (!isReady()) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

export default async function setup(): Promise<void> {
  if (!isReady()) await fetchTypings();
}
