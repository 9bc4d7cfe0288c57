import type { Rule } from 'eslint';
import type { CheckPolicy, Finding } from '../../check/find.js';
import { reportFindings } from '../findings.js';

export type MessageId = 'personalData' | 'errorMessage';

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
          reportFindings(context, policy, ruleId, () => messageId);
        },
      };
    },
  };
}

/** Disallow span attributes, span names, events and baggage that carry personal data. */
export const noPiiAttributes = createRule('pii-attribute', 'personalData', 'Disallow personal data in span attributes, span names, events and baggage');

/** Disallow span attributes set from raw error messages, which often embed user data. */
export const noErrorMessageAttributes = createRule('pii-error-message', 'errorMessage', 'Disallow span attributes set from raw error messages');
