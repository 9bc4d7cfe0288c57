import { join } from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import * as vitest from 'vitest';
import { baggageSize } from '../../src/eslint/rules/baggage-size.js';
import plugin from '../../src/eslint/index.js';
import { FIXTURES } from '../support/fixtures.js';

RuleTester.afterAll = vitest.afterAll;
RuleTester.it = vitest.it;
RuleTester.itOnly = vitest.it.only;
RuleTester.describe = vitest.describe;

// The rule resolves `@opentelemetry/api` from the file's folder, so cases live beside the fixtures.
const filename = join(FIXTURES, 'pii', 'rule-tester-case.ts');
const typescriptParser = await import('@typescript-eslint/parser');
const ruleTester = new RuleTester({ languageOptions: { parser: typescriptParser } });
const header = `import { propagation, type Baggage } from '@opentelemetry/api';\n`;
const flags = Array.from({ length: 181 }, (_, i) => `'flag.${i}': { value: 'on' }`).join(', ');

ruleTester.run('baggage-size', baggageSize as never, {
  valid: [
    { filename, code: `${header}export const b = (tenantId: string, plan: 'free' | 'pro') => propagation.createBaggage({ 'tenant.id': { value: tenantId }, plan: { value: plan } });` },
    { filename, code: `${header}export const b = (bag: Baggage, tags: string[]) => bag.setEntry('tags.count', { value: String(tags.length) });` },
    { filename, code: `${header}export const b = () => propagation.createBaggage({ ${flags.split(', ').slice(0, 180).join(', ')} });` },
    { filename, code: `${header}export const b = (bag: Baggage, tags: string[]) => {\n  // otelify-ignore-next-line baggage: three tags at most, checked upstream\n  return bag.setEntry('tags', { value: tags.join(',') });\n};` },
    // Not OpenTelemetry's baggage.
    { filename, code: `${header}interface Store { setEntry(k: string, e: { value: string }): void }\nexport const f = (s: Store, o: object) => s.setEntry('o', { value: JSON.stringify(o) });` },
  ],
  invalid: [
    {
      filename,
      code: `${header}export const b = (bag: Baggage, cart: { items: string[] }) =>\n  bag.setEntry('cart', { value: JSON.stringify(cart) });`,
      errors: [{ messageId: 'serializedValue', line: 3 }],
    },
    {
      filename,
      code: `${header}export const b = (bag: Baggage, tags: string[]) => bag.setEntry('tags', { value: tags.join(',') });`,
      errors: [{ messageId: 'listValue', line: 2 }],
    },
    {
      filename,
      code: `${header}export const b = (ticket: { description: string }) => propagation.createBaggage({\n  'ticket.description': { value: ticket.description },\n});`,
      errors: [{ messageId: 'freeText', line: 3 }],
    },
    {
      filename,
      code: `${header}export function b(req: { query: Record<string, string> }) {\n  const q = req.query.q ?? '';\n  return propagation.createBaggage({ search: { value: q } });\n}`,
      errors: [{ messageId: 'requestData', line: 4 }],
    },
    {
      filename,
      code: `${header}export function b(req: { headers: Record<string, string> }) {\n  let bag = propagation.createBaggage();\n  for (const [name, value] of Object.entries(req.headers)) bag = bag.setEntry(name, { value });\n  return bag;\n}`,
      errors: [{ messageId: 'unboundedEntries', line: 4 }],
    },
    {
      filename,
      code: `${header}export const b = () => propagation.createBaggage({ ${flags} });`,
      errors: [{ messageId: 'tooManyEntries', line: 2 }],
    },
    {
      filename,
      code: `${header}const POLICY = '${'allow read; '.repeat(300)}';\nexport const b = () => propagation.createBaggage({ policy: { value: POLICY } });`,
      errors: [{ messageId: 'tooLarge', line: 3 }],
    },
  ],
});

vitest.it('is in the recommended config as a warning', () => {
  const [rules] = plugin.configs.recommended!;
  vitest.expect(plugin.rules?.['baggage-size']).toBe(baggageSize);
  vitest.expect(rules?.rules?.['otelify/baggage-size']).toBe('warn');
});

vitest.it('shares the engine with the personal-data rules without taking their options from them, whichever runs first', () => {
  const code = `${header}export const b = (user: { email: string; tags: string[] }) => propagation.createBaggage({\n  'user.email': { value: user.email },\n  tags: { value: user.tags.join(',') },\n});\n`;
  const lint = (rules: Linter.RulesRecord) =>
    new Linter({ configType: 'flat' })
      .verify(code, [{ files: ['**/*.ts'], plugins: { otelify: plugin }, languageOptions: { parser: typescriptParser as Linter.Parser }, rules }], filename)
      .map((m) => `${m.ruleId}:${m.line}`);
  const allowEmail = ['error', { allow: ['user.email'] }] as Linter.RuleEntry;
  vitest.expect(lint({ 'otelify/baggage-size': 'warn', 'otelify/no-pii-attributes': allowEmail })).toEqual(['otelify/baggage-size:4']);
  vitest.expect(lint({ 'otelify/no-pii-attributes': allowEmail, 'otelify/baggage-size': 'warn' })).toEqual(['otelify/baggage-size:4']);
  vitest.expect(lint({ 'otelify/no-pii-attributes': 'error', 'otelify/baggage-size': 'warn' })).toEqual(['otelify/no-pii-attributes:3', 'otelify/baggage-size:4']);
});
