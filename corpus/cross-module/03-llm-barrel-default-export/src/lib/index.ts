export { default as openai } from './openai.js';
export * from './anthropic.js';
