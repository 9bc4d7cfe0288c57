import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/bin.js');

const LEAKY = `import { trace } from '@opentelemetry/api';

export function checkout(user: { id: string; email: string }, error: Error) {
  const span = trace.getTracer('shop').startSpan('checkout');
  span.setAttribute('user.id', user.id);
  span.setAttribute('user.email', user.email);
  span.setAttribute('failure', error.message);
  span.setAttribute('support.email', 'jane.doe@example.com');
  span.end();
}
`;
const CLEAN = `import { trace } from '@opentelemetry/api';\nexport const f = (id: string) => trace.getActiveSpan()?.setAttribute('user.id', id);\n`;

// Baggage that grows with the cart: two warnings, no personal data.
const BAGGAGE = `import { context, propagation } from '@opentelemetry/api';

export function withCart(cart: { id: string; skus: string[]; total: number }, next: () => void) {
  const bag = propagation.createBaggage({
    'cart.id': { value: cart.id },
    'cart.skus': { value: cart.skus.join(',') },
    'cart.snapshot': { value: JSON.stringify(cart) },
  });
  context.with(propagation.setBaggage(context.active(), bag), next);
}
`;

const dir = mkdtempSync(join(tmpdir(), 'otelify-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop', type: 'module' }));
mkdirSync(join(dir, 'src'));
writeFileSync(join(dir, 'src/leaky.ts'), LEAKY);
writeFileSync(join(dir, 'src/clean.ts'), CLEAN);
mkdirSync(join(dir, 'cart'));
writeFileSync(join(dir, 'cart/baggage.ts'), BAGGAGE);

function check(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'check', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('otelify check', () => {
  it('exits 1 with stylish output naming the key and category, never the value', () => {
    const run = check('src');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('src/leaky.ts');
    expect(run.stdout).toMatch(/6:\d+\s+error\s+Span attribute 'user\.email' carries an email address/);
    expect(run.stdout).toMatch(/7:\d+\s+warning\s+Span attribute 'failure' is set from an error message/);
    expect(run.stdout).toMatch(/8:\d+\s+error\s+Span attribute 'support\.email'/);
    expect(run.stdout).toContain('3 problems (2 errors, 1 warning)');
    expect(run.stdout).not.toContain('jane.doe');
  });

  it('exits 0 on clean code', () => {
    expect(check('src/clean.ts').code).toBe(0);
  });

  it('prints SARIF 2.1.0 with repository-relative paths, stable rule ids and fingerprints', () => {
    const run = check('src', '--format', 'sarif');
    const log = JSON.parse(run.stdout);
    expect(log.version).toBe('2.1.0');
    const [first] = log.runs[0].results;
    expect(first.ruleId).toBe('otelify/pii-attribute');
    expect(first.level).toBe('error');
    expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe('src/leaky.ts');
    expect(first.locations[0].physicalLocation.region.startLine).toBe(6);
    expect(first.partialFingerprints['otelify/v1']).toBe('src/leaky.ts:pii-attribute:user.email');
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toContain('otelify/pii-error-message');
  });

  it('prints GitHub workflow annotations', () => {
    const lines = check('src', '--format', 'github').stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::error file=src\/leaky\.ts,line=6,col=\d+,endLine=6,endColumn=\d+,title=otelify\/pii-attribute::Span attribute 'user\.email'/);
    expect(lines[1]).toMatch(/^::warning file=src\/leaky\.ts,line=7,/);
  });

  it('prints JSON findings', () => {
    const findings = JSON.parse(check('src', '--format', 'json').stdout);
    expect(findings.map((f: { ruleId: string; line: number; category: string }) => [f.ruleId, f.line, f.category])).toEqual([
      ['otelify/pii-attribute', 6, 'email'],
      ['otelify/pii-error-message', 7, 'error-message'],
      ['otelify/pii-attribute', 8, 'email'],
    ]);
  });

  it('with a baseline, fails only on new findings', () => {
    const baseline = join(dir, 'otelify-baseline.json');
    expect(check('src', '--baseline', baseline, '--update-baseline').code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).findings).toHaveLength(3);
    expect(check('src', '--baseline', baseline).code).toBe(0);
    writeFileSync(join(dir, 'src/new.ts'), LEAKY.replace("'user.email', user.email", "'customer.phone', user.email"));
    const run = check('src', '--baseline', baseline);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('src/new.ts');
    expect(run.stdout).not.toContain('src/leaky.ts');
    rmSync(join(dir, 'src/new.ts'));
  });

  it('exits 2 on a bad format, a missing baseline or a bad config', () => {
    expect(check('src', '--format', 'xml').code).toBe(2);
    expect(check('src', '--baseline', 'missing.json').code).toBe(2);
    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ check: { allow: 'user.email' } }));
    const run = check('src');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'check.allow' must be a list of strings");
    writeFileSync(join(dir, 'otelify.config.json'), JSON.stringify({ check: { allow: ['user.email'] } }));
    expect(check('src', '--format', 'json').stdout).not.toContain("'user.email'");
    rmSync(join(dir, 'otelify.config.json'));
  });

  it('says in one line, exit 2, what is wrong with a corrupt baseline or config, never with a stack trace', () => {
    const corrupt: [string, (path: string) => void, RegExp][] = [
      ['truncated.json', (path) => writeFileSync(path, '{ "version": 1, "findings": [{ "file": "src/le'), /is not valid JSON/],
      ['array.json', (path) => writeFileSync(path, '[]'), /is not an otelify baseline/],
      ['wrong-shape.json', (path) => writeFileSync(path, '{ "version": 1, "findings": [{ "file": 3 }] }'), /is not an otelify baseline/],
      ['a-folder', (path) => mkdirSync(path), /is a folder, not a file/],
    ];
    for (const [name, make, why] of corrupt) {
      const path = join(dir, name);
      make(path);
      const run = check('src', '--baseline', path);
      expect(run.code, name).toBe(2);
      expect(run.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(run.stderr, name).toContain(`baseline ${path}:`);
      expect(run.stderr, name).toMatch(why);
      expect(run.stderr, name).not.toMatch(/\n\s+at /);
    }
    writeFileSync(join(dir, 'otelify.config.json'), '{ "check": ');
    const config = check('src');
    expect(config.code).toBe(2);
    expect(config.stderr.trim().split('\n')).toHaveLength(1);
    expect(config.stderr).toContain('otelify.config.json');
    rmSync(join(dir, 'otelify.config.json'));
  });

  it('names files from the repository root whatever the working directory: SARIF URIs percent-encoded, a baseline written at the root matches from a subfolder', () => {
    const repo = mkdtempSync(join(tmpdir(), 'otelify-check-repo-'));
    try {
      symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
      mkdirSync(join(repo, 'services/shop/src'), { recursive: true });
      writeFileSync(join(repo, 'services/shop/package.json'), JSON.stringify({ name: 'shop', type: 'module' }));
      writeFileSync(join(repo, 'services/shop/src/check out.ts'), LEAKY);
      spawnSync('git', ['init', '-q'], { cwd: repo });
      const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [BIN, 'check', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const sub = join(repo, 'services/shop/src');
      const log = JSON.parse(run(sub, '.', '--format', 'sarif').stdout);
      expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('services/shop/src/check%20out.ts');
      expect(run(sub, '.', '--format', 'github').stdout).toContain('file=services/shop/src/check out.ts,');
      const baseline = join(repo, 'otelify-baseline.json');
      expect(run(repo, 'services', '--baseline', baseline, '--update-baseline').status).toBe(0);
      expect(JSON.parse(readFileSync(baseline, 'utf8')).findings[0].file).toBe('services/shop/src/check out.ts');
      const fromSub = run(sub, '.', '--baseline', baseline);
      expect(fromSub.stdout).toBe('');
      expect(fromSub.status).toBe(0);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('otelify check: baggage warnings', () => {
  it('exits 0 on warnings only, and says warning in every format', () => {
    const stylish = check('cart');
    expect(stylish.code).toBe(0);
    expect(stylish.stdout).toMatch(/6:\d+\s+warning\s+Baggage entry 'cart\.skus' is a list turned into text.*otelify\/baggage-size/);
    expect(stylish.stdout).toMatch(/7:\d+\s+warning\s+Baggage entry 'cart\.snapshot' is a serialised object \(JSON\.stringify\)/);
    expect(stylish.stdout).toContain('2 problems (0 errors, 2 warnings)');

    const sarif = check('cart', '--format', 'sarif');
    expect(sarif.code).toBe(0);
    const run = JSON.parse(sarif.stdout).runs[0];
    expect(run.results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`)).toEqual(['otelify/baggage-size warning', 'otelify/baggage-size warning']);
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'otelify/baggage-size');
    expect(rule.defaultConfiguration.level).toBe('warning');
    expect(run.results[0].ruleIndex).toBe(run.tool.driver.rules.indexOf(rule));

    const github = check('cart', '--format', 'github');
    expect(github.code).toBe(0);
    expect(github.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^::warning file=cart\/baggage\.ts,line=6,col=\d+,endLine=6,endColumn=\d+,title=otelify\/baggage-size::Baggage entry 'cart\.skus'/),
      expect.stringMatching(/^::warning file=cart\/baggage\.ts,line=7,.*title=otelify\/baggage-size::Baggage entry 'cart\.snapshot'/),
    ]);

    const findings = JSON.parse(check('cart', '--format', 'json').stdout);
    expect(findings.map((f: { ruleId: string; severity: string; category: string }) => [f.ruleId, f.severity, f.category])).toEqual([
      ['otelify/baggage-size', 'warning', 'list-value'],
      ['otelify/baggage-size', 'warning', 'serialized-value'],
    ]);
  });

  it('next to an error, exits 1; a baseline keeps the warnings it knows', () => {
    expect(check('cart', 'src').code).toBe(1);
    const baseline = join(dir, 'cart-baseline.json');
    expect(check('cart', '--baseline', baseline, '--update-baseline').code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).findings).toEqual([
      { file: 'cart/baggage.ts', ruleId: 'baggage-size', subject: 'cart.skus<-list', count: 1 },
      { file: 'cart/baggage.ts', ruleId: 'baggage-size', subject: 'cart.snapshot<-serialized', count: 1 },
    ]);
    expect(check('cart', '--baseline', baseline).stdout).toBe('');
    writeFileSync(join(dir, 'cart/baggage.ts'), BAGGAGE.replace("'cart.id': { value: cart.id }", "'cart.total': { value: String(cart.skus) }"));
    const run = check('cart', '--baseline', baseline);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/5:\d+\s+warning\s+Baggage entry 'cart\.total' is a list/);
    expect(run.stdout).toContain('1 problem (0 errors, 1 warning)');
    writeFileSync(join(dir, 'cart/baggage.ts'), BAGGAGE);
  });
});
