import { dirname } from 'node:path';
import type { Rule } from 'eslint';
import { findPii, mayWriteTelemetry, type CheckPolicy, type Finding } from '../../check/find.js';
import { compilerOptionsFor } from '../../engine/program.js';

export type MessageId = 'personalData' | 'errorMessage';


/**
 * Findings of `otelify check`'s engine for the file being linted, computed once per file and shared by the
 * plugin's rules. The engine resolves what each call is with its own TypeScript program, so the rules work
 * the same with or without typed linting.
 */
const cache = new WeakMap<object, Finding[]>();

function findingsFor(context: Rule.RuleContext, policy: CheckPolicy): Finding[] {
  const key = context.sourceCode.ast;
  const cached = cache.get(key);
  if (cached) return cached;
  const text = context.sourceCode.text;
  const findings = mayWriteTelemetry(text)
    ? (findPii([{ path: context.filename, text }], { compilerOptions: compilerOptionsFor(dirname(context.filename)), policy })[0]?.findings ?? [])
    : [];
  cache.set(key, findings);
  return findings;
}

const optionsSchema = {
  type: 'object',
  properties: {
    allow: { type: 'array', items: { type: 'string' }, description: 'Keys never reported (exact or with * globs).' },
    deny: { type: 'array', items: { type: 'string' }, description: 'Keys always reported.' },
    patterns: { type: 'array', items: { type: 'string' }, description: 'Extra regular expressions for personal-data keys.' },
  },
  additionalProperties: false,
} as const;

function createRule(ruleId: Finding['ruleId'], messageId: MessageId, description: string): Rule.RuleModule {
  return {
    meta: {
      type: 'problem',
      docs: { description, recommended: true, url: 'https://www.npmjs.com/package/otelify#otelify-check' },
      messages: { [messageId]: '{{message}}' },
      schema: [optionsSchema],
    },
    create(context) {
      const policy = (context.options[0] ?? {}) as CheckPolicy;
      return {
        'Program:exit'() {
          for (const finding of findingsFor(context, policy)) {
            if (finding.ruleId !== ruleId) continue;
            context.report({
              loc: { start: { line: finding.line, column: finding.column - 1 }, end: { line: finding.endLine, column: finding.endColumn - 1 } },
              messageId,
              data: { message: finding.message },
            });
          }
        },
      };
    },
  };
}

/** Disallow span attributes, span names, events and baggage that carry personal data. */
export const noPiiAttributes = createRule('pii-attribute', 'personalData', 'Disallow personal data in span attributes, span names, events and baggage');

/** Disallow span attributes set from raw error messages, which often embed user data. */
export const noErrorMessageAttributes = createRule('pii-error-message', 'errorMessage', 'Disallow span attributes set from raw error messages');
