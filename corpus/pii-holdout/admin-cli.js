#!/usr/bin/env node
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { trace, SpanStatusCode } from '@opentelemetry/api';

const { values, positionals } = parseArgs({
  options: {
    email: { type: 'string' },
    role: { type: 'string', default: 'viewer' },
    db: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const [command = 'help', ...rest] = positionals;
const tracer = trace.getTracer('admin-cli');
const span = tracer.startSpan('admin.' + command); // ok
const dsn = values.db ?? process.env.DATABASE_URL ?? 'postgres://localhost/app';

span.setAttribute('cli.invocation', process.argv.slice(2).join(' ')); // pii
span.setAttribute('cli.operator', os.userInfo().username); // pii
span.setAttribute('cli.dry_run', values['dry-run']); // ok
span.setAttribute('db.target', dsn); // pii
span.setAttribute('db.host', new URL(dsn).hostname); // ok

const client = new pg.Client({ connectionString: dsn });

async function findUser(email) {
  const { rows } = await client.query('select id, email, display_name from users where lower(email) = lower($1)', [email]);
  if (rows.length === 0) throw new Error(`no user with email ${email}`);
  return rows[0];
}

async function grant() {
  const target = values.email;
  span.setAttribute('admin.subject', target); // pii
  const user = await findUser(target);
  span.setAttributes({ 'admin.user_id': user.id, 'admin.role': values.role }); // ok
  span.addEvent('admin.granting', { to: user.display_name }); // pii
  if (!values['dry-run']) await client.query('update users set role = $1 where id = $2', [values.role, user.id]);
}

async function rename() {
  const [id, ...parts] = rest;
  const next = parts.join(' ');
  span.addEvent('admin.rename', { id: Number(id), to: next }); // pii
  if (!values['dry-run']) await client.query('update users set display_name = $1 where id = $2', [next, Number(id)]);
}

async function purge() {
  const ids = rest.map(Number).filter(Number.isInteger);
  span.setAttribute('admin.ids', ids); // ok
  if (!values['dry-run']) await client.query('delete from sessions where user_id = any($1)', [ids]);
}

try {
  await client.connect();
  if (command === 'grant') await grant();
  else if (command === 'rename') await rename();
  else if (command === 'purge') await purge();
  else process.stdout.write('usage: admin <grant|rename|purge> [--email] [--role] [--dry-run]\n');
} catch (err) {
  span.recordException(err); // pii
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(err && err.message) }); // pii
  process.exitCode = 1;
} finally {
  span.end();
  await client.end().catch(() => {});
}
