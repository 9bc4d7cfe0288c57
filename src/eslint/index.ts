import { readFileSync } from 'node:fs';
import type { ESLint, Linter } from 'eslint';
import { parser } from './parser.js';
import { baggageSize } from './rules/baggage-size.js';
import { noErrorMessageAttributes, noPiiAttributes } from './rules/no-pii-attributes.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The otelify ESLint plugin (flat config): `import otelify from 'otelify/eslint'`. */
const plugin: ESLint.Plugin & { configs: Record<string, Linter.Config[]> } = {
  meta: { name: 'otelify', version, namespace: 'otelify' },
  rules: {
    'no-pii-attributes': noPiiAttributes,
    'no-error-message-attributes': noErrorMessageAttributes,
    'baggage-size': baggageSize,
  },
  configs: {},
};

/**
 * The rules on every JavaScript and TypeScript file, with nothing else to install: TypeScript files get a
 * parser (typescript-eslint's where the project has it, else a text-only one, since the rules read the
 * source themselves). JavaScript files keep whatever parser the project uses.
 */
plugin.configs.recommended = [
  {
    name: 'otelify/recommended',
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    plugins: { otelify: plugin },
    rules: {
      'otelify/no-pii-attributes': 'error',
      'otelify/no-error-message-attributes': 'warn',
      'otelify/baggage-size': 'warn',
    },
  },
  {
    name: 'otelify/recommended/typescript-files',
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: { parser },
  },
];

export default plugin;
