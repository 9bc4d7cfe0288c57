import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDependencies, owningPackageJson, packageManagerOf } from '../src/files/package-json.js';

const API = { name: '@opentelemetry/api', range: '^1.9.0' };
const RUNTIME = { name: '@otelify/runtime', range: '^0.1.0' };

const lines = (...l: string[]) => l.join('\n');

describe('addDependencies', () => {
  it('inserts at the sorted position of sorted dependencies, 2-space indented', () => {
    const text = lines('{', '  "name": "app",', '  "dependencies": {', '    "@aws-sdk/client-sqs": "^3.0.0",', '    "kafkajs": "^2.2.4"', '  }', '}', '');
    const result = addDependencies(text, [API]);
    expect(result.text).toBe(
      lines('{', '  "name": "app",', '  "dependencies": {', '    "@aws-sdk/client-sqs": "^3.0.0",', '    "@opentelemetry/api": "^1.9.0",', '    "kafkajs": "^2.2.4"', '  }', '}', ''),
    );
    expect(result.added).toEqual(['@opentelemetry/api']);
    expect(result.presentElsewhere).toEqual([]);
  });

  it('inserts first and last in sorted dependencies, in code-unit order', () => {
    const text = lines('{', '  "dependencies": {', '    "Zod": "1",', '    "kafkajs": "2"', '  }', '}');
    // Code units: "@" < "Z" < "k" < "z"; localeCompare would put "kafkajs" before "Zod".
    const result = addDependencies(text, [{ name: 'zzz', range: '3' }, API]);
    expect(result.text).toBe(lines('{', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0",', '    "Zod": "1",', '    "kafkajs": "2",', '    "zzz": "3"', '  }', '}'));
    expect(result.added).toEqual(['zzz', '@opentelemetry/api']);
  });

  it('appends to unsorted dependencies', () => {
    const text = lines('{', '  "dependencies": {', '    "kafkajs": "^2.2.4",', '    "amqplib": "^0.10.0"', '  }', '}', '');
    expect(addDependencies(text, [API]).text).toBe(
      lines('{', '  "dependencies": {', '    "kafkajs": "^2.2.4",', '    "amqplib": "^0.10.0",', '    "@opentelemetry/api": "^1.9.0"', '  }', '}', ''),
    );
  });

  it('keeps 4-space indentation', () => {
    const text = lines('{', '    "name": "app",', '    "dependencies": {', '        "kafkajs": "^2.2.4"', '    }', '}', '');
    expect(addDependencies(text, [API]).text).toBe(
      lines('{', '    "name": "app",', '    "dependencies": {', '        "@opentelemetry/api": "^1.9.0",', '        "kafkajs": "^2.2.4"', '    }', '}', ''),
    );
  });

  it('keeps tab indentation, also when it creates the dependencies object', () => {
    const text = lines('{', '\t"name": "app",', '\t"devDependencies": {', '\t\t"vitest": "^4.0.0"', '\t}', '}', '');
    expect(addDependencies(text, [API]).text).toBe(
      lines('{', '\t"name": "app",', '\t"dependencies": {', '\t\t"@opentelemetry/api": "^1.9.0"', '\t},', '\t"devDependencies": {', '\t\t"vitest": "^4.0.0"', '\t}', '}', ''),
    );
  });

  it('keeps CRLF line endings', () => {
    const text = ['{', '  "name": "app",', '  "dependencies": {', '    "kafkajs": "^2.2.4"', '  }', '}', ''].join('\r\n');
    const result = addDependencies(text, [API, { name: 'zod', range: '^4.0.0' }]);
    expect(result.text).toBe(['{', '  "name": "app",', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0",', '    "kafkajs": "^2.2.4",', '    "zod": "^4.0.0"', '  }', '}', ''].join('\r\n'));
    expect(result.text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('keeps CRLF when it creates the dependencies object', () => {
    const text = ['{', '  "name": "app"', '}'].join('\r\n');
    expect(addDependencies(text, [API]).text).toBe(['{', '  "name": "app",', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  }', '}'].join('\r\n'));
  });

  it('adds no final newline where there was none', () => {
    const text = lines('{', '  "dependencies": {', '    "kafkajs": "^2.2.4"', '  }', '}');
    const result = addDependencies(text, [API]).text;
    expect(result.endsWith('}')).toBe(true);
    expect(result).toBe(lines('{', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0",', '    "kafkajs": "^2.2.4"', '  }', '}'));
  });

  it('keeps a BOM', () => {
    const text = '\uFEFF' + lines('{', '  "name": "app",', '  "dependencies": {}', '}', '');
    const result = addDependencies(text, [API]).text;
    expect(result).toBe('\uFEFF' + lines('{', '  "name": "app",', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  }', '}', ''));
  });

  it('fills an empty dependencies object', () => {
    const text = lines('{', '  "name": "app",', '  "dependencies": {},', '  "devDependencies": {', '    "vitest": "^4.0.0"', '  }', '}', '');
    const result = addDependencies(text, [RUNTIME, API]);
    expect(result.text).toBe(
      lines('{', '  "name": "app",', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0",', '    "@otelify/runtime": "^0.1.0"', '  },', '  "devDependencies": {', '    "vitest": "^4.0.0"', '  }', '}', ''),
    );
    expect(result.added).toEqual(['@otelify/runtime', '@opentelemetry/api']);
  });

  it('creates dependencies right before devDependencies, its keys sorted', () => {
    const text = lines('{', '  "name": "app",', '  "version": "1.0.0",', '  "devDependencies": {', '    "vitest": "^4.0.0"', '  },', '  "peerDependencies": {', '    "zod": "^4.0.0"', '  }', '}', '');
    expect(addDependencies(text, [RUNTIME, API]).text).toBe(
      lines(
        '{',
        '  "name": "app",',
        '  "version": "1.0.0",',
        '  "dependencies": {',
        '    "@opentelemetry/api": "^1.9.0",',
        '    "@otelify/runtime": "^0.1.0"',
        '  },',
        '  "devDependencies": {',
        '    "vitest": "^4.0.0"',
        '  },',
        '  "peerDependencies": {',
        '    "zod": "^4.0.0"',
        '  }',
        '}',
        '',
      ),
    );
  });

  it('creates dependencies before peerDependencies when there are no devDependencies', () => {
    const text = lines('{', '  "name": "lib",', '  "peerDependencies": {', '    "zod": "^4.0.0"', '  },', '  "license": "MIT"', '}', '');
    expect(addDependencies(text, [API]).text).toBe(
      lines('{', '  "name": "lib",', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  },', '  "peerDependencies": {', '    "zod": "^4.0.0"', '  },', '  "license": "MIT"', '}', ''),
    );
  });

  it('creates dependencies at the end when there is neither', () => {
    const text = lines('{', '  "name": "app",', '  "type": "module"', '}', '');
    expect(addDependencies(text, [API]).text).toBe(lines('{', '  "name": "app",', '  "type": "module",', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  }', '}', ''));
  });

  it('creates dependencies in an empty package.json', () => {
    expect(addDependencies('{}\n', [API]).text).toBe(lines('{', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  }', '}', ''));
  });

  it('leaves unusually formatted fields byte-identical', () => {
    const head = lines('{', '  "name":"app",', '  "files": ["dist", "src"],', '  "keywords": [ "a",  "b" ],', '  "scripts": { "build": "tsc",   "test": "vitest" },', '  "nested": {"a": {"b": [1,2,  3]}},', '');
    const tail = lines('', '  "devDependencies": {"vitest": "^4.0.0"},', '  "engines": { "node": ">=20" }', '}', '');
    const text = head + lines('  "dependencies": {', '    "kafkajs": "^2.2.4"', '  },') + tail;
    const result = addDependencies(text, [API]).text;
    expect(result).toBe(head + lines('  "dependencies": {', '    "@opentelemetry/api": "^1.9.0",', '    "kafkajs": "^2.2.4"', '  },') + tail);
    expect(result.startsWith(head)).toBe(true);
    expect(result.endsWith(tail)).toBe(true);
  });

  it('leaves neighbouring one-line arrays alone when it creates dependencies', () => {
    const text = lines('{', '  "name": "app",', '  "files": ["dist"],', '  "devDependencies": {"vitest": "^4.0.0"}', '}', '');
    expect(addDependencies(text, [API]).text).toBe(
      lines('{', '  "name": "app",', '  "files": ["dist"],', '  "dependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  },', '  "devDependencies": {"vitest": "^4.0.0"}', '}', ''),
    );
  });

  it('follows a one-line dependencies object', () => {
    const text = '{ "name": "app", "dependencies": { "kafkajs": "^2.2.4" } }';
    expect(addDependencies(text, [API, { name: 'zod', range: '4' }]).text).toBe('{ "name": "app", "dependencies": { "@opentelemetry/api": "^1.9.0", "kafkajs": "^2.2.4", "zod": "4" } }');
  });

  it('follows a minified package.json', () => {
    expect(addDependencies('{"name":"app"}', [API]).text).toBe('{"name":"app","dependencies":{"@opentelemetry/api":"^1.9.0"}}');
  });

  it('returns the same text when every need is already declared', () => {
    const text = lines('{', '  "dependencies": {', '    "@opentelemetry/api": "^1.3.0"', '  },', '  "peerDependencies": {', '    "@otelify/runtime": "*"', '  },', '  "optionalDependencies": {', '    "zod": "*"', '  }', '}', '');
    const result = addDependencies(text, [API, RUNTIME, { name: 'zod', range: '^4.0.0' }]);
    expect(result.text).toBe(text);
    expect(result.added).toEqual([]);
    expect(result.presentElsewhere).toEqual([]);
  });

  it('does not change the range of a dependency already declared', () => {
    const text = lines('{', '  "dependencies": {', '    "@opentelemetry/api": "1.0.0"', '  }', '}', '');
    expect(addDependencies(text, [{ ...API, range: '^1.9.0' }]).text).toBe(text);
  });

  it('reports a package only in devDependencies instead of adding it', () => {
    const text = lines('{', '  "dependencies": {', '    "kafkajs": "^2.2.4"', '  },', '  "devDependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  }', '}', '');
    const result = addDependencies(text, [API, RUNTIME]);
    expect(result.presentElsewhere).toEqual([{ name: '@opentelemetry/api', field: 'devDependencies' }]);
    expect(result.added).toEqual(['@otelify/runtime']);
    expect(result.text).toBe(
      lines('{', '  "dependencies": {', '    "@otelify/runtime": "^0.1.0",', '    "kafkajs": "^2.2.4"', '  },', '  "devDependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  }', '}', ''),
    );
  });

  it('does not report a devDependency that is also a peer dependency', () => {
    const text = lines('{', '  "devDependencies": {', '    "@opentelemetry/api": "^1.9.0"', '  },', '  "peerDependencies": {', '    "@opentelemetry/api": "^1.3.0"', '  }', '}', '');
    const result = addDependencies(text, [API]);
    expect(result).toEqual({ text, added: [], presentElsewhere: [] });
  });

  it('returns the same string, not an equal one, when only devDependencies are involved', () => {
    const text = '{\n  "devDependencies": {\n    "@opentelemetry/api": "1"\n  }\n}\n';
    expect(addDependencies(text, [API]).text).toBe(text);
  });

  it('adds a need listed twice once', () => {
    const result = addDependencies('{\n  "name": "app"\n}\n', [API, API]);
    expect(result.added).toEqual(['@opentelemetry/api']);
    expect(result.text.match(/@opentelemetry\/api/g)).toHaveLength(1);
  });

  it('throws on invalid JSON, saying where', () => {
    const text = lines('{', '  "name": "app",', '  "dependencies": {', '    "kafkajs": "^2.2.4",', '  }', '}', '');
    expect(() => addDependencies(text, [API])).toThrow(/does not parse.*\b5:3\b/);
    expect(() => addDependencies('{\n  "name": "app"\n  // comment\n}', [API])).toThrow(/does not parse at 3:3/);
    expect(() => addDependencies('', [API])).toThrow(/does not parse/);
    expect(() => addDependencies('[]', [API])).toThrow(/does not parse/);
  });

  it('throws when dependencies is not an object', () => {
    expect(() => addDependencies('{"dependencies": []}', [API])).toThrow(/"dependencies" is not an object/);
  });
});

describe('packageManagerOf', () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'otelify-pm-')));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const write = (path: string, text = '') => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };

  it.each([
    ['package-lock.json', 'npm'],
    ['npm-shrinkwrap.json', 'npm'],
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun'],
    ['bun.lockb', 'bun'],
  ])('reads %s as %s', (lockfile, name) => {
    write(join(root, 'package.json'), '{"name": "app"}');
    write(join(root, lockfile));
    expect(packageManagerOf(root)).toEqual({ name, install: `${name} install`, lockfile: join(root, lockfile) });
  });

  it('finds the workspace root lockfile from a nested package', () => {
    write(join(root, 'package.json'), '{"name": "monorepo", "workspaces": ["packages/*"]}');
    write(join(root, 'pnpm-lock.yaml'));
    const pkg = join(root, 'packages', 'api');
    write(join(pkg, 'package.json'), '{"name": "api"}');
    expect(packageManagerOf(pkg)).toEqual({ name: 'pnpm', install: 'pnpm install', lockfile: join(root, 'pnpm-lock.yaml') });
  });

  it('stops at the nearest lockfile', () => {
    write(join(root, 'yarn.lock'));
    const pkg = join(root, 'nested');
    write(join(pkg, 'bun.lock'));
    expect(packageManagerOf(pkg)).toMatchObject({ name: 'bun', lockfile: join(pkg, 'bun.lock') });
  });

  it('uses the packageManager field when there is no lockfile', () => {
    write(join(root, 'package.json'), '{"name": "monorepo", "packageManager": "pnpm@9.1.0"}');
    const pkg = join(root, 'packages', 'api');
    write(join(pkg, 'package.json'), '{"name": "api"}');
    const found = packageManagerOf(pkg);
    expect(found).toEqual({ name: 'pnpm', install: 'pnpm install' });
    expect(found).not.toHaveProperty('lockfile');
  });

  it('uses the packageManager field to choose between two lockfiles in one folder', () => {
    write(join(root, 'package.json'), '{"packageManager": "yarn@4.1.0+sha512.abc"}');
    write(join(root, 'package-lock.json'));
    write(join(root, 'yarn.lock'));
    expect(packageManagerOf(root)).toEqual({ name: 'yarn', install: 'yarn install', lockfile: join(root, 'yarn.lock') });
  });

  it('falls back to npm', () => {
    write(join(root, 'package.json'), '{"name": "app"}');
    const result = packageManagerOf(root);
    // A lockfile above the temp folder would make this test meaningless.
    expect(result.lockfile === undefined || !result.lockfile.startsWith(root)).toBe(true);
    if (result.lockfile === undefined) expect(result).toEqual({ name: 'npm', install: 'npm install' });
  });
});

describe('owningPackageJson', () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'otelify-owner-')));
    mkdirSync(join(root, 'packages', 'api', 'src', 'deep'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'packages', 'api', 'package.json'), '{}');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('finds the nearest package.json above a file', () => {
    expect(owningPackageJson(join(root, 'packages', 'api', 'src', 'deep', 'broker.ts'))).toBe(join(root, 'packages', 'api', 'package.json'));
    expect(owningPackageJson(join(root, 'packages', 'api', 'index.ts'))).toBe(join(root, 'packages', 'api', 'package.json'));
    expect(owningPackageJson(join(root, 'packages', 'other.ts'))).toBe(join(root, 'package.json'));
  });

  it('does not look above stopAt', () => {
    const file = join(root, 'packages', 'other.ts');
    expect(owningPackageJson(file, root)).toBe(join(root, 'package.json'));
    expect(owningPackageJson(file, join(root, 'packages'))).toBeUndefined();
    expect(owningPackageJson(join(root, 'packages', 'api', 'src', 'x.ts'), join(root, 'packages', 'api'))).toBe(join(root, 'packages', 'api', 'package.json'));
  });
});
