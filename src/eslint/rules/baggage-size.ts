import type { Rule } from 'eslint';
import type { BaggageConcern } from '../../check/baggage.js';
import { reportFindings } from '../findings.js';

export type MessageId = 'serializedValue' | 'listValue' | 'freeText' | 'requestData' | 'unboundedEntries' | 'tooManyEntries' | 'tooLarge';

const MESSAGE_IDS: Record<BaggageConcern, MessageId> = {
  'serialized-value': 'serializedValue',
  'list-value': 'listValue',
  'free-text': 'freeText',
  'request-data': 'requestData',
  'unbounded-entries': 'unboundedEntries',
  'too-many-entries': 'tooManyEntries',
  'too-large': 'tooLarge',
};

/** Warn about baggage that is large or unbounded: it goes out with every request, and the propagator drops what is over the W3C limits. */
export const baggageSize: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow baggage values that grow with the data (serialised objects, lists, free text, request data) and baggage over the W3C limits',
      recommended: true,
      url: 'https://www.npmjs.com/package/otelify#baggage-size',
    },
    // The engine's message says which value and what to do instead.
    messages: Object.fromEntries(Object.values(MESSAGE_IDS).map((id) => [id, '{{message}}'])),
    schema: [],
  },
  create(context) {
    return {
      'Program:exit'() {
        reportFindings(context, undefined, 'baggage-size', (finding) => MESSAGE_IDS[finding.category as BaggageConcern]);
      },
    };
  },
};
