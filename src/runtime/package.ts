// The runtime package that rewritten code imports, and what a project must declare to run it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { targetModules } from '../targets/index.js';

export const RUNTIME_PACKAGE = '@otelify/runtime';
export const API_PACKAGE = '@opentelemetry/api';
/** The oldest API with everything the runtime calls (`createContextKey`, metrics' advice), and what users run. */
export const API_RANGE = '^1.9.0';

/** The LLM libraries with an adapter: `@otelify/runtime/<library>`, from the package's `src/adapters/<library>.ts`. */
export const LLM_ADAPTERS = targetModules.filter((module) => module.adapter).map((module) => module.library);

/** The module a file that calls an LLM library imports for its side effect: it registers that library's adapter. */
export function adapterModule(library: string): string | undefined {
  return LLM_ADAPTERS.includes(library) ? `${RUNTIME_PACKAGE}/${library}` : undefined;
}

let version: string | undefined;

/** The range a project declares for the runtime package: the installed one's version and its compatible updates. */
export function runtimeRange(): string {
  version ??= (JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`${RUNTIME_PACKAGE}/package.json`), 'utf8')) as { version: string }).version;
  return `^${version}`;
}

/** What a package whose files were rewritten must declare: the runtime package (unless vendored) and the API. */
export function runtimeDependencies(vendored: boolean): { name: string; range: string }[] {
  return [...(vendored ? [] : [{ name: RUNTIME_PACKAGE, range: runtimeRange() }]), { name: API_PACKAGE, range: API_RANGE }];
}
