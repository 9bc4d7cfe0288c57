import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'otelify-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('npm pack gives a tarball that, installed into another project, runs `npx otelify apply`', { timeout: 240_000 }, () => {
  const npm = (cwd: string, ...args: string[]) =>
    execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  npm(ROOT, 'pack', '--pack-destination', dir);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  expect(tarball).toBeDefined();

  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', join(app, 'src')]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // Plain JS, and amqplib is not installed: the match comes from import tracking alone.
  const source = `import amqp from 'amqplib';\n\nconst connection = await amqp.connect('amqp://localhost');\nconst channel = await connection.createChannel();\nchannel.sendToQueue('orders', Buffer.from('hello'));\n`;
  writeFileSync(join(app, 'src/send.js'), source);
  npm(app, 'install', '--prefer-offline', join(dir, tarball!));

  const run = spawnSync('npx', ['otelify', 'apply', 'src', '--dry'], { cwd: app, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(run.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("-channel.sendToQueue('orders', Buffer.from('hello'));");
  expect(run.stdout.replace(/\n/g, ' ')).toMatch(/otelify\.traceSend\(\{ system: 'rabbitmq', operation: 'publish', destination: 'orders' \}/);
  expect(readFileSync(join(app, 'src/send.js'), 'utf8')).toBe(source);

  // The ESLint plugin and the runtime are package exports too.
  const exports = spawnSync(process.execPath, ['--input-type=module', '-e', "const p = (await import('otelify/eslint')).default; const r = await import('otelify/runtime'); console.log(Object.keys(p.rules).join(','), typeof r.traceSend)"], { cwd: app, encoding: 'utf8' });
  expect(exports.stderr).toBe('');
  expect(exports.stdout.trim()).toBe('no-pii-attributes,no-error-message-attributes function');
});
