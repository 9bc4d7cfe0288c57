// `node --import otelify/register app.js`: instruments modules as Node loads them, for projects run without
// a bundler. ES modules go through Node's module customization hooks (hooks.ts); CommonJS modules loaded
// with require() never reach those hooks on Node 20, so their compilation is hooked here. With tsx, register
// otelify first so it sees the TypeScript source: `node --import otelify/register --import tsx app.ts`.
import Module, { register } from 'node:module';
import { transformForLoader } from './transform-module.js';

register('./hooks.js', import.meta.url);

type Compile = (this: unknown, content: string, filename: string) => unknown;
const prototype = (Module as unknown as { prototype: { _compile: Compile } }).prototype;
const compile = prototype._compile;
prototype._compile = function (this: unknown, content: string, filename: string) {
  return compile.call(this, transformForLoader(content, filename) ?? content, filename);
};
