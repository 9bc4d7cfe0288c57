// jscodeshift entry point: `npx jscodeshift -t node_modules/otelify/transforms/llm.ts src` wraps LLM client
// calls in spans (see transform.ts for the options).
// Loaded with require: jscodeshift compiles this file to CommonJS, which resolves the name without extension.
const { createTransformer } = require('./transform') as typeof import('./transform.js');

export const parser = 'tsx';
export default createTransformer('llm');
