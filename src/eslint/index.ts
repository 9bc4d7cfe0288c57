import { readFileSync } from 'node:fs';
import type { ESLint, Linter } from 'eslint';
import { noErrorMessageAttributes, noPiiAttributes } from './rules/no-pii-attributes.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The otelify ESLint plugin (flat config): `import otelify from 'otelify/eslint'`. */
const plugin: ESLint.Plugin & { configs: Record<string, Linter.Config> } = {
  meta: { name: 'otelify', version, namespace: 'otelify' },
  rules: {
    'no-pii-attributes': noPiiAttributes,
    'no-error-message-attributes': noErrorMessageAttributes,
  },
  configs: {},
};

plugin.configs.recommended = {
  name: 'otelify/recommended',
  plugins: { otelify: plugin },
  rules: {
    'otelify/no-pii-attributes': 'error',
    'otelify/no-error-message-attributes': 'warn',
  },
};

export default plugin;
