import { dirname } from 'node:path';
import type { SourceMap } from 'magic-string';
import { compilerOptionsFor } from './engine/program.js';
import { instrumentSources, type LLMConvention, type SiteReport } from './engine/instrument.js';
import type { FormatSettingsLookup } from './engine/format-settings.js';
import { createPrefilter } from './engine/prefilter.js';
import { builtinTargets, type Target } from './targets/index.js';
import { flavorFor, runtimePathFor } from './runtime/placement.js';
import { relativeSpecifier } from './runtime/vendor.js';
import { engineOptions } from './setup.js';

export { instrumentSources, type FileOutcome, type SiteReport, type SiteAction } from './engine/instrument.js';
export { createPrefilter } from './engine/prefilter.js';
export { createFormatSettingsLookup, type FormatSettings, type FormatSettingsLookup } from './engine/format-settings.js';
export { builtinTargets, targetModules, type Target, type TargetModule } from './targets/index.js';
export { loadConfig, targetGroup, targetsFor, type OtelifyConfig } from './config.js';
export { runtimeSource, type RuntimeFlavor } from './runtime/source.js';
export { flavorFor, runtimePathFor } from './runtime/placement.js';
export { createSetup, engineOptions, type Setup, type SetupOptions } from './setup.js';
export { writeAtomically } from './files/write.js';

export interface TransformOptions {
  targets?: Target[];
  /**
   * Where a vendored runtime lives, as a path without extension (`src/otelify.runtime`); files import it
   * relatively. Without it they import the `@otelify/runtime` package.
   */
  runtimeBase?: string;
  /** Attribute names of LLM spans (default `llm`). */
  convention?: LLMConvention;
  /** Ask OpenAI for token usage on streams where the code does not. */
  streamUsage?: boolean;
  /** The project's formatter settings per file (a setup's); by default looked up for this call. */
  formatSettings?: FormatSettingsLookup;
}

export interface TransformResult {
  code: string;
  map: SourceMap;
  sites: SiteReport[];
}

export class SourceParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/**
 * Instruments one source text. Returns null when nothing changes (the front doors' "skip"), and throws
 * SourceParseError when the text does not parse.
 */
export function transformSource(code: string, id: string, options: TransformOptions = {}): TransformResult | null {
  const targets = options.targets ?? builtinTargets;
  if (!createPrefilter(targets)(code)) return null;
  const { runtimeBase } = options;
  const [outcome] = instrumentSources(
    [{ path: id, text: code }],
    engineOptions(
      { targets, convention: options.convention, streamUsage: options.streamUsage, formatSettings: options.formatSettings },
      compilerOptionsFor(dirname(id)),
      runtimeBase ? { runtimeSpecifier: (file) => relativeSpecifier(file, code, runtimePathFor(runtimeBase, flavorFor(file, code))) } : {},
    ),
  );
  if (!outcome) return null;
  if (outcome.parseError) {
    const { line, column, message } = outcome.parseError;
    throw new SourceParseError(id, line, column, message);
  }
  if (outcome.output === undefined || !outcome.map) return null;
  return { code: outcome.output, map: outcome.map, sites: outcome.sites };
}
