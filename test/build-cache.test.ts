import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { analyse } from '../src/build/analyse.js';
import { analysisCache, scanCache } from '../src/build/cache.js';
import { settingsOf } from '../src/build/project.js';
import { selectCandidates, type ModuleFacts } from '../src/engine/candidates.js';
import { createPrefilter } from '../src/engine/prefilter.js';
import { builtinTargets } from '../src/targets/index.js';

const PROJECT = resolve(import.meta.dirname, '.tmp/cache-project');
const BROKER = join(PROJECT, 'src/broker.ts');
const SETTINGS = join(PROJECT, 'src/settings.ts');
const SETTINGS_TEXT = `export const QUEUE = 'orders';\n`;

// A project of its own, with a node_modules folder (the cache's home) and an imported module that is no candidate.
function writeProject() {
  rmSync(PROJECT, { recursive: true, force: true });
  mkdirSync(join(PROJECT, 'src'), { recursive: true });
  mkdirSync(join(PROJECT, 'node_modules'));
  writeFileSync(join(PROJECT, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  writeFileSync(SETTINGS, SETTINGS_TEXT);
  writeFileSync(
    BROKER,
    `import type { Channel } from 'amqplib';\nimport { QUEUE } from './settings.js';\n\nexport function publish(channel: Channel, body: Buffer): boolean {\n  return channel.sendToQueue(QUEUE, body);\n}\n`,
  );
}

const candidates = () => [{ path: BROKER, text: readFileSync(BROKER, 'utf8') }];
const request = () => ({ root: PROJECT, files: [BROKER], targets: builtinTargets });
// What a plugin with no options keys its caches by, in this project.
const settings = settingsOf({ root: PROJECT, targets: builtinTargets, configRoot: PROJECT, cache: true });

describe('the analysis kept between builds', () => {
  beforeEach(writeProject);

  it('names every file the outcome depends on: imported modules, typings and the tsconfig', () => {
    const { modules, dependencies } = analyse(request());
    expect(modules.map((m) => m.path)).toEqual([BROKER]);
    expect(modules[0]!.code).toContain('traceSend');
    expect(dependencies).toEqual(expect.arrayContaining([SETTINGS, join(PROJECT, 'tsconfig.json')]));
    expect(dependencies.some((d) => d.endsWith('/node_modules/amqplib/index.d.ts'))).toBe(true);
    expect(dependencies).not.toContain(BROKER);
  });

  it('is kept in the nearest node_modules/.cache/otelify and read back for the same candidates', () => {
    const cache = analysisCache(PROJECT, settings)!;
    expect(cache.file.startsWith(join(PROJECT, 'node_modules/.cache/otelify/'))).toBe(true);
    const analysis = analyse(request());
    cache.write(candidates(), analysis);
    expect(analysisCache(PROJECT, settings)!.read(candidates())).toEqual(analysis.modules);
  });

  it('is stale once a candidate, an imported module or a typing changes, or is gone', () => {
    const cache = analysisCache(PROJECT, settings)!;
    const write = () => cache.write(candidates(), analyse(request()));

    write();
    expect(cache.read([{ path: BROKER, text: candidates()[0]!.text.replace('QUEUE, body', 'QUEUE, body, {}') }])).toBeUndefined();
    expect(cache.read([])).toBeUndefined();

    // Same size, new time: what an editor's save of an unchanged length looks like.
    utimesSync(SETTINGS, new Date(), new Date(Date.now() + 5000));
    expect(cache.read(candidates())).toBeUndefined();
    write();
    expect(cache.read(candidates())).toBeDefined();

    writeFileSync(SETTINGS, `${SETTINGS_TEXT}export const RETRIES = 3;\n`);
    expect(cache.read(candidates())).toBeUndefined();
    write();
    rmSync(join(PROJECT, 'tsconfig.json'));
    expect(cache.read(candidates())).toBeUndefined();
  });

  it('is not read by another otelify (another version or build of the engine)', () => {
    const cache = analysisCache(PROJECT, settings)!;
    cache.write(candidates(), analyse(request()));
    expect(cache.read(candidates())).toBeDefined();
    const stored = JSON.parse(readFileSync(cache.file, 'utf8')) as { engine: string };
    expect(stored.engine.split('|')[0]).toBe(JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')).version);
    writeFileSync(cache.file, JSON.stringify({ ...stored, engine: `0.0.0|${stored.engine.split('|').slice(1).join('|')}` }));
    expect(cache.read(candidates())).toBeUndefined();
  });

  it('is separate for other settings', () => {
    analysisCache(PROJECT, settings)!.write(candidates(), analyse(request()));
    const other = analysisCache(PROJECT, settingsOf({ root: PROJECT, targets: builtinTargets, configRoot: PROJECT, cache: true, convention: 'genai' }))!;
    expect(other.file).not.toBe(analysisCache(PROJECT, settings)!.file);
    expect(other.read(candidates())).toBeUndefined();
  });

  it('lets a plugin build reuse the last build’s outcome, and is not written with `cache: false`', async () => {
    const { unpluginFactory } = await import('../src/build/unplugin.js');
    type Hooks = { buildStart(): void; transform(code: string, id: string): Promise<{ code: string } | null> };
    const plugin = (options: object) => unpluginFactory({ root: PROJECT, ...options }, { framework: 'esbuild' } as never) as unknown as Hooks;
    const cache = analysisCache(PROJECT, settings)!;

    const uncached = await plugin({ cache: false }).transform(candidates()[0]!.text, BROKER);
    expect(uncached?.code).toContain('traceSend');
    expect(existsSync(cache.file)).toBe(false);

    const first = await plugin({}).transform(candidates()[0]!.text, BROKER);
    expect(first?.code).toBe(uncached?.code);
    expect(cache.read(candidates())?.[0]?.code).toBe(first?.code);
    // What the next build emits comes from the cache, not from a new analysis.
    const stored = JSON.parse(readFileSync(cache.file, 'utf8')) as { modules: { code: string }[] };
    stored.modules[0]!.code += '// as the last build left it\n';
    writeFileSync(cache.file, JSON.stringify(stored));
    const second = await plugin({}).transform(candidates()[0]!.text, BROKER);
    expect(second?.code).toBe(`${first?.code}// as the last build left it\n`);
  });
});

describe('the scan of the project kept between builds', () => {
  beforeEach(writeProject);
  const prefilter = createPrefilter(builtinTargets);
  const isCandidate = (files: { path: string; text: string; facts?: ModuleFacts }[]) => selectCandidates(files, prefilter);
  const scanned = () => {
    const present = [BROKER, SETTINGS].filter((path) => existsSync(path));
    const { candidates, facts } = isCandidate(present.map((path) => ({ path, text: readFileSync(path, 'utf8') })));
    return present.map((path) => ({ path, facts: facts.get(path)!, candidate: candidates.has(path) }));
  };
  const paths = (list: { path: string }[] | undefined) => list?.map((c) => c.path);

  it('gives the candidates with their text while no file has come, gone or changed', () => {
    const cache = scanCache(PROJECT, settings)!;
    expect(cache.read(isCandidate)).toBeUndefined();
    cache.write(PROJECT, scanned());
    expect(scanCache(PROJECT, settings)!.read(isCandidate)).toEqual(candidates());
  });

  it('judges a changed file again without walking the project', () => {
    const cache = scanCache(PROJECT, settings)!;
    cache.write(PROJECT, scanned());
    writeFileSync(SETTINGS, `import type { Channel } from 'amqplib';\nexport const QUEUE = 'orders';\nexport type Ch = Channel;\n`);
    expect(paths(cache.read(isCandidate))).toEqual([BROKER, SETTINGS]);
    // The new judgement is kept: a reader that would judge differently is not asked again.
    expect(paths(cache.read(() => ({ candidates: new Set(), facts: new Map() })))).toEqual([BROKER, SETTINGS]);
  });

  it('makes a module a candidate once it imports the module that holds a client, judged from the kept facts', () => {
    const cache = scanCache(PROJECT, settings)!;
    cache.write(PROJECT, scanned());
    // Names no queue package or type: only its import of the broker module makes it a candidate.
    writeFileSync(SETTINGS, `import { publish } from './broker.js';\nexport const QUEUE = 'orders';\nexport const send = () => publish;\n`);
    expect(paths(cache.read(isCandidate))).toEqual([BROKER, SETTINGS]);
    writeFileSync(SETTINGS, SETTINGS_TEXT);
    expect(paths(cache.read(isCandidate))).toEqual([BROKER]);
  });

  it('asks for a walk once a file is added (also in a folder with no source file yet) or removed, or a .gitignore changes', () => {
    const cache = scanCache(PROJECT, settings)!;
    mkdirSync(join(PROJECT, 'src/assets'));
    writeFileSync(join(PROJECT, '.gitignore'), 'tmp/\n');
    const cases: [string, () => void][] = [
      ['a file added', () => writeFileSync(join(PROJECT, 'src/extra.ts'), 'export {};\n')],
      ['a file added to a folder without sources', () => writeFileSync(join(PROJECT, 'src/assets/late.ts'), 'export {};\n')],
      ['a file removed', () => rmSync(SETTINGS)],
      ['.gitignore changed', () => utimesSync(join(PROJECT, '.gitignore'), new Date(), new Date(Date.now() + 5000))],
    ];
    for (const [name, change] of cases) {
      cache.write(PROJECT, scanned());
      expect(cache.read(isCandidate), 'before: ' + name).toBeDefined();
      change();
      expect(cache.read(isCandidate), name).toBeUndefined();
    }
  });

  it('lets the esbuild filter name the candidates a kept scan found', async () => {
    const { unpluginFactory } = await import('../src/build/unplugin.js');
    const filterOf = () => (unpluginFactory({ root: PROJECT }, { framework: 'esbuild' } as never) as unknown as { esbuild: { onLoadFilter: RegExp } }).esbuild.onLoadFilter;
    const walked = filterOf();
    expect(paths(scanCache(PROJECT, settings)!.read(isCandidate))).toEqual([BROKER]);
    const kept = filterOf();
    expect(kept.source).toBe(walked.source);
    expect(kept.test(BROKER)).toBe(true);
    expect(kept.test(SETTINGS)).toBe(false);
  });
});
