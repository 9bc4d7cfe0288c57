import { join } from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import * as vitest from 'vitest';
import { noErrorMessageAttributes, noPiiAttributes } from '../../src/eslint/rules/no-pii-attributes.js';
import plugin from '../../src/eslint/index.js';
import { FIXTURES } from '../support/fixtures.js';

RuleTester.afterAll = vitest.afterAll;
RuleTester.it = vitest.it;
RuleTester.itOnly = vitest.it.only;
RuleTester.describe = vitest.describe;

// The rule resolves `@opentelemetry/api` from the file's folder, so cases live beside the fixtures.
const filename = join(FIXTURES, 'pii', 'rule-tester-case.ts');
const ruleTester = new RuleTester({ languageOptions: { parser: await import('@typescript-eslint/parser') } });
const header = `import { trace, type Span } from '@opentelemetry/api';\nconst tracer = trace.getTracer('t');\n`;

ruleTester.run('no-pii-attributes', noPiiAttributes as never, {
  valid: [
    { filename, code: `${header}export function f(span: Span, id: string) { span.setAttribute('user.id', id); }` },
    { filename, code: `${header}export function f(span: Span) { span.setAttribute('service.name', 'billing'); span.setAttribute('llm.prompt_tokens', 12); }` },
    { filename, code: `${header}export function f(span: Span, email: string) { span.setAttribute('email.count', email.length); }` },
    // Not OpenTelemetry's setAttribute.
    { filename, code: `${header}interface El { setAttribute(n: string, v: string): void }\nexport function f(el: El, user: { email: string }) { el.setAttribute('email', user.email); }` },
    { filename, code: `${header}export function f(span: Span, email: string) {\n  // otelify-ignore-next-line pii: hashed by the caller\n  span.setAttribute('user.email', email);\n}` },
    { filename, code: `${header}export function f(span: Span, v: string) { span.setAttribute('user.email', v); }`, options: [{ allow: ['user.email'] }] },
  ],
  invalid: [
    {
      filename,
      code: `${header}export function f(span: Span, user: { email: string }) {\n  span.setAttribute('user.email', user.email);\n}`,
      errors: [{ messageId: 'personalData', line: 4 }],
    },
    {
      filename,
      code: `${header}export function f(user: { fullName: string }) {\n  tracer.startActiveSpan('greet', (span) => {\n    span.setAttributes({ greeting: 'hi', to: user.fullName });\n    span.end();\n  });\n}`,
      errors: [{ messageId: 'personalData', line: 5 }],
    },
    {
      filename,
      code: `${header}export function f(span: Span, req: { body: unknown }) {\n  span.addEvent('received', { raw: JSON.stringify(req.body) });\n}`,
      errors: [{ messageId: 'personalData', line: 4 }],
    },
    {
      filename,
      code: `${header}import { propagation } from '@opentelemetry/api';\nexport const b = (email: string) => propagation.createBaggage({\n  'user.email': { value: email },\n});`,
      errors: [{ messageId: 'personalData', line: 5 }],
    },
    {
      filename,
      code: `${header}export function f(span: Span, v: string) {\n  // otelify-ignore-next-line pii\n  span.setAttribute('user.email', v);\n}`,
      errors: [{ messageId: 'personalData', line: 5 }],
    },
    {
      filename,
      code: `${header}export function f(span: Span, v: string) { span.setAttribute('shop.loyalty_card', v); }`,
      options: [{ patterns: ['loyalty_card$'] }],
      errors: [{ messageId: 'personalData', line: 3 }],
    },
  ],
});

ruleTester.run('no-error-message-attributes', noErrorMessageAttributes as never, {
  valid: [{ filename, code: `${header}export function f(span: Span, e: Error) { span.setAttribute('error.type', e.name); }` }],
  invalid: [
    {
      filename,
      code: `${header}export function f(span: Span, e: Error) {\n  span.setAttribute('failure', e.message);\n}`,
      errors: [{ messageId: 'errorMessage', line: 4 }],
    },
  ],
});

vitest.it('exports a flat recommended config that enables the rules', () => {
  const [rules, typescript] = plugin.configs.recommended!;
  vitest.expect(rules?.plugins?.otelify).toBe(plugin);
  vitest.expect(rules?.rules).toEqual({ 'otelify/no-pii-attributes': 'error', 'otelify/no-error-message-attributes': 'warn', 'otelify/baggage-size': 'warn' });
  vitest.expect(rules?.files).toEqual(['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}']);
  vitest.expect(typescript?.languageOptions?.parser).toBeDefined();
});
