// `node --import otelify/register app.js`: instruments modules as Node loads them (module customization
// hooks), for projects run without a bundler. With tsx, register otelify first so it sees the TypeScript
// source: `node --import otelify/register --import tsx app.ts`.
import { register } from 'node:module';

register('./hooks.js', import.meta.url);
