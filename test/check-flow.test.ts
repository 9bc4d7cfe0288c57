// The check follows values to where they came from: one case per shape, each asserting the exact lines found.
import { expect, it } from 'vitest';
import { findPii } from '../src/check/find.js';
import { ts } from '../src/engine/typescript.cjs';

const OPTIONS: ts.CompilerOptions = { allowJs: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true };
const ROOT = `${import.meta.dirname}/../fixtures/check-flow`;

/** The lines flagged in each file, by file name. */
function flagged(files: Record<string, string>): Record<string, number[]> {
  const sources = Object.entries(files).map(([name, text]) => ({ path: `${ROOT}/${name}`, text }));
  const results = findPii(sources, { compilerOptions: OPTIONS });
  return Object.fromEntries(results.map((r) => [r.path.slice(ROOT.length + 1), [...new Set(r.findings.map((f) => f.line))]]));
}

it('plain JavaScript: JSDoc types, and parameters followed to the calls that pass them, stand in for types', () => {
  const lines = flagged({
    'worker.js': `import { trace } from '@opentelemetry/api';
const s = trace.getActiveSpan();
/** @param {{ id: string, email: string, displayName: string }} account */
export function tag(account) {
  s?.setAttribute('account.snapshot', JSON.stringify(account));
  s?.setAttribute('account.id', account.id);
}
export function mark(v) {
  s?.setAttribute('mark', v);
}
export function onSignup(form) {
  mark(form.email);
}
`,
  });
  expect(lines).toEqual({ 'worker.js': [5, 9] });
});

it('request data, argv and queue payloads under names that say nothing; safe fields and booleans are not reported', () => {
  const lines = flagged({
    'handlers.ts': `import { trace } from '@opentelemetry/api';
declare const req: { body: { comment: string; page: number; subscribe: boolean }; query: Record<string, string>; method: string };
declare const job: { data: { to: string }; id: string };
const span = trace.getTracer('t').startSpan('x');
const { comment: v, page, subscribe } = req.body;
span.setAttribute('a', v);
span.setAttribute('b', page);
span.setAttribute('c', subscribe);
span.setAttribute('d', req.method);
const [, , target] = process.argv;
span.setAttribute('e', target ?? '');
span.setAttribute('f', JSON.stringify(job.data));
span.setAttribute('g', job.id);
`,
  });
  expect(lines).toEqual({ 'handlers.ts': [6, 11, 12] });
});

it('exceptions, status messages, metric attributes and baggage that leaves with propagation.setBaggage', () => {
  const lines = flagged({
    'sinks.ts': `import { context, metrics, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
declare const user: { email: string; id: string };
const span = trace.getTracer('t').startSpan('x');
const signups = metrics.getMeter('m').createCounter('signups');
try {
  throw new Error(\`no account for \${user.email}\`);
} catch (error) {
  span.recordException(error as Error);
}
span.recordException(new Error('timeout'));
span.setStatus({ code: SpanStatusCode.ERROR, message: user.email });
span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
signups.add(1, { email: user.email });
signups.add(1, { plan: 'pro' });
const bag = propagation.createBaggage({ 'user.email': { value: user.email } });
context.with(propagation.setBaggage(context.active(), bag), () => undefined);
`,
  });
  expect(lines).toEqual({ 'sinks.ts': [8, 11, 13, 15, 16] });
});

it('a helper in another module: what it returns is followed back to what its callers pass', () => {
  const lines = flagged({
    'format.ts': `export function label(person: { first: string; last: string }) {\n  return \`\${person.first} \${person.last}\`;\n}\nexport function normalize(login: string) {\n  return login.trim().toLowerCase();\n}\n`,
    'use.ts': `import { trace } from '@opentelemetry/api';
import { normalize } from './format.js';
declare const req: { body: { email: string; page: number } };
const span = trace.getTracer('t').startSpan('x');
const who = normalize(req.body.email);
span.setAttribute('who', who);
span.setAttribute('page', String(req.body.page));
`,
  });
  expect(lines).toEqual({ 'format.ts': [], 'use.ts': [6] });
});
