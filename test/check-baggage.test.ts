// Baggage that is large or unbounded (`baggage-size`, a warning): one case per shape, each asserting the exact
// lines and concerns found, and the W3C limits replayed against @opentelemetry/core's real propagator.
import { defaultTextMapSetter, propagation, ROOT_CONTEXT, type BaggageEntry } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { findPii, type Finding } from '../src/check/find.js';
import { ts } from '../src/engine/typescript.cjs';

const OPTIONS: ts.CompilerOptions = { allowJs: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true };
const ROOT = `${import.meta.dirname}/../fixtures/check-baggage`;

function findings(text: string, name = 'case.ts'): Finding[] {
  const [result] = findPii([{ path: `${ROOT}/${name}`, text }], { compilerOptions: OPTIONS });
  expect(result?.parseError).toBeUndefined();
  return result!.findings;
}

/** `line: concern` of each baggage warning, in line order. */
function warnings(text: string, name?: string): string[] {
  return findings(text, name)
    .filter((f) => f.ruleId === 'baggage-size')
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((f) => `${f.line}: ${f.category}`);
}

describe('values that grow with the data', () => {
  it('serialised objects and lists made text, not their counts or flags', () => {
    expect(
      warnings(`import { propagation } from '@opentelemetry/api';
declare const cart: { items: { sku: string }[]; plan: 'basic' | 'pro'; filters: Record<string, string> };
declare const tags: string[];
let bag = propagation.createBaggage();
bag = bag.setEntry('cart', { value: JSON.stringify(cart) });
bag = bag.setEntry('cart.skus', { value: cart.items.map((i) => i.sku).join(',') });
bag = bag.setEntry('tags', { value: String(tags) });
bag = bag.setEntry('tags.text', { value: \`tags: \${tags}\` });
bag = bag.setEntry('tags.string', { value: tags.toString() });
bag = bag.setEntry('filters', { value: new URLSearchParams(cart.filters).toString() });
bag = bag.setEntry('cart.plan', { value: cart.plan });
bag = bag.setEntry('tags.count', { value: String(tags.length) });
bag = bag.setEntry('tags.has_sale', { value: tags.includes('sale') ? 'yes' : 'no' });
bag = bag.setEntry('cart.first_sku', { value: cart.items[0]?.sku ?? 'none' });
let joined = '';
let count = 0;
for (const item of cart.items) {
  joined += \`\${item.sku};\`;
  count += 1;
}
bag = bag.setEntry('cart.joined', { value: joined });
bag = bag.setEntry('cart.reduced', { value: cart.items.reduce((text, item) => text + item.sku, '') });
bag = bag.setEntry('cart.count', { value: \`\${count}\` });
`),
    ).toEqual(['5: serialized-value', '6: list-value', '7: list-value', '8: list-value', '9: list-value', '10: serialized-value', '21: list-value', '22: list-value']);
  });

  it('lists in plain JavaScript, known by what they were made from', () => {
    expect(
      warnings(
        `const { propagation } = require('@opentelemetry/api');
function tag(order) {
  const skus = order.lines.map((l) => l.sku);
  const names = Object.keys(order.meta);
  return propagation.createBaggage({
    'order.skus': { value: String(skus) },
    'order.meta': { value: \`\${names}\` },
    'order.id': { value: order.id },
  });
}
module.exports = { tag };
`,
        'case.cjs',
      ),
    ).toEqual(['6: list-value', '7: list-value']);
  });

  it('free text by its name or as an error message; ids, enums and text cut short are not', () => {
    expect(
      warnings(`import { propagation } from '@opentelemetry/api';
interface Ticket { id: string; status: 'open' | 'closed'; subject: string; description: string }
export function route(ticket: Ticket, error: Error) {
  return propagation.createBaggage({
    'ticket.id': { value: ticket.id },
    'ticket.status': { value: ticket.status },
    'ticket.subject': { value: ticket.subject },
    'ticket.description': { value: ticket.description },
    'ticket.description_length': { value: String(ticket.description.length) },
    'failure': { value: error.message },
    'failure.type': { value: error.name },
    'ticket.subject_start': { value: ticket.subject.slice(0, 64) },
    'ticket.summary': { value: ticket.description.substring(0, 4000) },
  });
}
`),
    ).toEqual(['7: free-text', '8: free-text', '10: free-text', '13: free-text']);
  });

  it('request and message data under names that say nothing, through the check’s own data flow; safe fields are not', () => {
    const found = findings(`import { propagation } from '@opentelemetry/api';
declare const req: { params: { orderId: string }; query: Record<string, string | undefined>; get(name: string): string | undefined; originalUrl: string };
declare const job: { name: string; data: { accountId: string; text: string } };
const q = req.query.q ?? '';
const where = req.originalUrl;
const bag = propagation
  .createBaggage()
  .setEntry('search', { value: q })
  .setEntry('client', { value: req.get('user-agent') ?? '' })
  .setEntry('target', { value: where })
  .setEntry('order.id', { value: req.params.orderId })
  .setEntry('job.text', { value: job.data.text })
  .setEntry('job.account', { value: job.data.accountId })
  .setEntry('job.name', { value: job.name });
`)
      .filter((f) => f.ruleId === 'baggage-size')
      .sort((a, b) => a.line - b.line);
    expect(found.map((f) => `${f.line}: ${f.category}`)).toEqual(['8: request-data', '9: request-data', '10: request-data', '12: request-data']);
    expect(found[0]!.message).toContain("is set from req.query.q, request data whose size the client decides");
    expect(found[3]!.message).toContain('message data whose size the producer decides');
  });
});

describe('an unbounded number of entries', () => {
  it('one entry per header, per query field, per element: unless the keys are a fixed list, checked against one, or those of a baggage', () => {
    expect(
      warnings(`import { propagation, type Baggage, type BaggageEntry } from '@opentelemetry/api';
declare const req: { headers: Record<string, string>; query: Record<string, string> };
declare const incoming: Baggage;
const FORWARDED = ['tenant.id', 'region'] as const;
const ALLOWED = new Set(['tenant.id', 'region']);
export function copy(): Baggage[] {
  let bag = propagation.createBaggage();
  for (const [name, value] of Object.entries(req.headers)) bag = bag.setEntry(\`h.\${name}\`, { value });
  const fromQuery = propagation.createBaggage(Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, { value: v }])));
  const spread = propagation.createBaggage({ ...req.query, fixed: { value: 'x' } } as Record<string, BaggageEntry>);
  const reduced = Object.keys(req.headers).reduce((b, k) => b.setEntry(k, { value: '1' }), propagation.createBaggage());
  let fixed = propagation.createBaggage();
  for (const key of FORWARDED) {
    const entry = incoming.getEntry(key);
    if (entry) fixed = fixed.setEntry(key, entry);
  }
  let allowed = propagation.createBaggage();
  for (const [key, entry] of incoming.getAllEntries()) if (ALLOWED.has(key)) allowed = allowed.setEntry(key, entry);
  let merged = propagation.createBaggage({ region: { value: 'eu' } });
  for (const [key, entry] of incoming.getAllEntries()) merged = merged.setEntry(key, entry);
  return [bag, fromQuery, spread, reduced, fixed, allowed, merged];
}
`),
    ).toEqual(['8: unbounded-entries', '9: unbounded-entries', '10: unbounded-entries', '11: unbounded-entries']);
  });
});

/** What the real W3C propagator sends for these entries: the entries it kept, and the header it would have written in full. */
function propagate(entries: [string, string][]): { kept: number; fullHeader: number } {
  const baggage = propagation.createBaggage(Object.fromEntries(entries.map(([key, value]): [string, BaggageEntry] => [key, { value }])));
  const carrier: Record<string, string> = {};
  new W3CBaggagePropagator().inject(propagation.setBaggage(ROOT_CONTEXT, baggage), carrier, defaultTextMapSetter);
  const kept = carrier.baggage ? carrier.baggage.split(',').length : 0;
  const fullHeader = entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join(',').length;
  return { kept, fullHeader };
}

/** The same entries as a literal `createBaggage` call in a source file. */
function literalBaggage(entries: [string, string][]): string {
  const body = entries.map(([k, v]) => `  ${JSON.stringify(k)}: { value: ${JSON.stringify(v)} },`).join('\n');
  return `import { propagation } from '@opentelemetry/api';\nexport const bag = propagation.createBaggage({\n${body}\n});\n`;
}

describe('literal baggage over the W3C limits, counted as the propagator serialises it', () => {
  // Values with characters the propagator percent-encodes (`é` is 6 bytes, a space 3, a comma 3), so a
  // count of raw characters would be wrong on every side of each limit.
  const pair = (key: string, bytes: number): [string, string] => {
    const base = `${encodeURIComponent(key)}=`.length;
    const accents = Math.floor((bytes - base) / 6);
    return [key, 'é'.repeat(accents) + 'a'.repeat(bytes - base - accents * 6)];
  };
  const cases: Record<string, [string, string][]> = {
    '180 entries': Array.from({ length: 180 }, (_, i) => [`flag.${i}`, 'on']),
    '181 entries': Array.from({ length: 181 }, (_, i) => [`flag.${i}`, 'on']),
    'a header of exactly 8,192 bytes': [pair('a', 4000), pair('b', 4000), pair('c', 190)],
    'a header of 8,193 bytes': [pair('a', 4000), pair('b', 4000), pair('c', 191)],
    'a pair of exactly 4,096 bytes': [pair('attestation', 4096)],
    // `é, ` is 12 bytes encoded: 1,025 characters make 4,097 bytes with the key.
    'a pair of 4,097 bytes': [['attestation', 'é, '.repeat(340) + 'aaaaa']],
  };

  for (const [name, entries] of Object.entries(cases)) {
    it(`${name}: warned exactly when the real propagator drops an entry`, () => {
      const { kept, fullHeader } = propagate(entries);
      const dropped = kept < entries.length;
      const found = findings(literalBaggage(entries)).filter((f) => f.ruleId === 'baggage-size');
      expect(found.map((f) => `${f.line}: ${f.category}`)).toEqual(dropped ? [`2: ${name.includes('entries') ? 'too-many-entries' : 'too-large'}`] : []);
      if (name.includes('header')) expect(fullHeader).toBe(name.includes('8,193') ? 8193 : 8192);
      if (dropped && name.includes('8,193')) expect(found[0]!.message).toContain('serialises to 8,193 bytes');
      if (dropped && name.includes('4,097')) expect(found[0]!.message).toContain("'attestation' serialises to 4,097 bytes");
    });
  }

  it('covers both sides of each limit', () => {
    const dropped = Object.values(cases).map((entries) => propagate(entries).kept < entries.length);
    expect(dropped).toEqual([false, true, false, true, false, true]);
  });

  it('a chain of setEntry on one baggage, through consts and a reassigned let: at the write that takes it over, once', () => {
    const big = 'é'.repeat(500); // 3,000 bytes encoded, 3,002 with its key
    const text = `import { propagation, type Baggage } from '@opentelemetry/api';
const BIG = ${JSON.stringify(big)};
export function chained(base: Baggage) {
  const first = propagation.createBaggage({ a: { value: BIG } });
  const second = first.setEntry('b', { value: BIG });
  const over = second.setEntry('c', { value: BIG });
  const after = over.setEntry('d', { value: 'x' });
  let bag = base.setEntry('e', { value: BIG });
  bag = bag.setEntry('f', { value: BIG });
  bag = bag.setEntry('g', { value: BIG });
  bag = bag.setEntry('h', { value: 'small' });
  const replaced = second.setEntry('a', { value: 'small' }).setEntry('c', { value: BIG });
  return [after, bag, replaced];
}
`;
    const found = findings(text).filter((f) => f.ruleId === 'baggage-size');
    expect(found.map((f) => `${f.line}: ${f.category}`)).toEqual(['6: too-large', '10: too-large']);
    expect(found[0]!.message).toContain('serialises to 9,008 bytes');
    // After a parameter's baggage, the entries known are a lower bound.
    expect(found[1]!.message).toContain('serialises to at least 9,008 bytes');
    const real = propagate([['a', big], ['b', big], ['c', big]]);
    expect(real.fullHeader).toBe(9008);
    expect(real.kept).toBe(2);
  });

  it('a key that is not known stops the count: it may replace an entry counted', () => {
    const text = (key: string) => `import { propagation } from '@opentelemetry/api';
const BIG = ${JSON.stringify('é'.repeat(600))};
export function f(key: string) {
  return propagation.createBaggage({ a: { value: BIG } }).setEntry(${key}, { value: 'x' }).setEntry('b', { value: BIG }).setEntry('c', { value: BIG });
}
`;
    expect(warnings(text('key'))).toEqual([]);
    expect(warnings(text("'k'"))).toEqual(['4: too-large']);
  });
});

describe('a warning, next to the personal-data errors', () => {
  it('has severity warning, its own rule id and subject, and a suppression comment of its own', () => {
    const found = findings(`import { propagation } from '@opentelemetry/api';
declare const user: { email: string; interests: string[] };
// otelify-ignore-next-line baggage: at most three interests, checked by the signup schema
const a = propagation.createBaggage({ interests: { value: user.interests.join(',') } });
// otelify-ignore-next-line pii: a hash of the interests
const b = propagation.createBaggage({ interests: { value: user.interests.join(',') } });
const c = propagation.createBaggage({ 'user.email': { value: user.email }, interests: { value: JSON.stringify(user.interests) } });
`);
    expect(found.map((f) => [f.line, f.ruleId, f.severity, f.subject])).toEqual([
      [6, 'baggage-size', 'warning', 'interests<-list'],
      [7, 'pii-attribute', 'error', 'user.email'],
      [7, 'baggage-size', 'warning', 'interests<-serialized'],
    ]);
    expect(found[2]!.message).toContain('put an id or a small enum value in baggage, and keep it under a few hundred bytes');
  });
});
