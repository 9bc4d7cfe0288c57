#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { trace, SpanStatusCode } from '@opentelemetry/api';

const USAGE = 'usage: admin-tool reset-password <email> <temp-password> | merge <email> <email> | bulk-disable <file>';
const tracer = trace.getTracer('admin-cli');

const [, , cmd, ...rest] = process.argv;
const span = tracer.startSpan('admin.cli', { attributes: { 'process.command_line': process.argv.join(' ') } }); // pii
span.setAttribute('cli.command', cmd ?? 'help'); // ok
span.setAttribute('cli.args', rest.join(' ')); // pii
span.setAttribute('process.command_args', process.argv.slice(2)); // pii

const apiKey = process.env.ADMIN_API_KEY;
span.setAttribute('admin.key_set', Boolean(apiKey)); // ok
span.setAttribute('admin.key', apiKey ?? ''); // pii

async function call(path: string, body: unknown): Promise<number> {
  const r = await fetch(`https://admin.internal${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'x-api-key': apiKey ?? '' } });
  return r.status;
}

async function main(): Promise<number> {
  switch (cmd) {
    case 'reset-password': {
      const [target, temp] = rest;
      span.setAttribute('admin.target', target); // pii
      span.setAttribute('admin.temp_len', temp.length); // ok
      return call('/users/reset', { login: target, password: temp });
    }
    case 'merge': {
      const a = rest[0];
      const b = rest[1];
      span.setAttribute('merge.pair', `${a} -> ${b}`); // pii
      return call('/users/merge', { from: a, into: b });
    }
    case 'bulk-disable': {
      const list = readFileSync(rest[0], 'utf8').split('\n').filter(Boolean);
      span.setAttribute('bulk.count', list.length); // ok
      span.setAttribute('bulk.first', list[0] ?? ''); // pii
      return call('/users/disable', { logins: list });
    }
    default:
      console.error(USAGE);
      return 64;
  }
}

main().then((status) => {
  span.setStatus({ code: status < 400 ? SpanStatusCode.OK : SpanStatusCode.ERROR }); // ok
  span.end();
}, (err: Error) => {
  span.recordException(err); // ok
  span.end();
  process.exitCode = 1;
});
