// Every front door (apply, the jscodeshift transforms, the bundler plugins, the tsc plugin, the loader) turns
// where it runs, a config file and its own options into what the engine needs here, so they cannot disagree.
import { resolve } from 'node:path';
import { loadConfig, targetsFor, type LoadedConfig, type OtelifyConfig, type RuntimeMode } from './config.js';
import { instrumentSources, type FileOutcome, type InstrumentOptions, type LLMConvention } from './engine/instrument.js';
import { createFormatSettingsLookup, type FormatSettingsLookup } from './engine/format-settings.js';
import { createPrefilter } from './engine/prefilter.js';
import { compilerOptionsForFile, releaseDeclarationsIfLarge, tsconfigOf } from './engine/program.js';
import type { SourceInput } from './engine/program.js';
import { adapterModule, RUNTIME_PACKAGE } from './runtime/package.js';
import type { Target } from './targets/types.js';

export interface SetupOptions {
  /** Where the config is looked for, upwards: the first path given, or the working directory. */
  from: string;
  /** A config file named by the user, instead of the lookup. */
  config?: string | undefined;
  /** Libraries, target ids or a group (`llm`, `queues`) to apply; default all but the config's `disable`. */
  only?: string[] | undefined;
  convention?: LLMConvention | undefined;
  streamUsage?: boolean | undefined;
  runtime?: RuntimeMode | undefined;
  /** The config, when the front door has loaded it already. */
  loaded?: LoadedConfig | undefined;
}

/** What decides a rewrite, as plain data: it crosses into the build plugins' worker and keys their caches. */
export interface RewriteSettings {
  targets: Target[];
  convention?: LLMConvention | undefined;
  streamUsage?: boolean | undefined;
}

export interface Setup extends RewriteSettings {
  loaded: LoadedConfig;
  config: OtelifyConfig;
  /** A file that fails it holds no call site of these targets; it is never parsed. */
  prefilter: (text: string) => boolean;
  /** Whether rewritten code imports the runtime package or a copy written into the project. */
  runtime: RuntimeMode;
  /** The project's formatter settings per file (Prettier, Biome, EditorConfig), read once per folder. */
  formatSettings: FormatSettingsLookup;
}

/** Throws ConfigError for a config that cannot be read or is invalid. */
export function createSetup(options: SetupOptions): Setup {
  const loaded = options.loaded ?? loadConfig(resolve(options.from), options.config);
  const { config } = loaded;
  const targets = targetsFor(config, options.only);
  return {
    loaded,
    config,
    targets,
    prefilter: createPrefilter(targets),
    convention: options.convention ?? config.convention,
    streamUsage: options.streamUsage ?? config.streamUsage,
    runtime: options.runtime ?? config.runtime ?? (config.runtimeFile ? 'vendor' : 'package'),
    formatSettings: createFormatSettingsLookup(),
  };
}

/**
 * The engine's options for these settings. Rewritten code imports the runtime package (and the adapter of
 * each LLM library it calls) unless `runtimeSpecifier` names a vendored copy, which holds its adapters.
 * Inserted code follows the project's formatter settings, looked up as every front door does: the setup's
 * lookup when given (read once per folder for the run), else a new one. With `keepLineNumbers` (tsc) it
 * takes their quotes and semicolons but never breaks a line.
 */
export function engineOptions(
  settings: RewriteSettings & { formatSettings?: FormatSettingsLookup | undefined },
  compilerOptions: InstrumentOptions['compilerOptions'],
  overrides: Partial<Pick<InstrumentOptions, 'runtimeSpecifier' | 'keepLineNumbers' | 'onProgram' | 'formatSettings' | 'tracedElsewhere' | 'importedLibraries'>> = {},
): InstrumentOptions {
  return {
    targets: settings.targets,
    convention: settings.convention,
    streamUsage: settings.streamUsage,
    compilerOptions,
    runtimeSpecifier: overrides.runtimeSpecifier ?? (() => RUNTIME_PACKAGE),
    // A vendored runtime holds its adapters; only the package has them apart.
    adapterSpecifier: (library, runtime) => (runtime === RUNTIME_PACKAGE ? adapterModule(library) : undefined),
    keepLineNumbers: overrides.keepLineNumbers,
    onProgram: overrides.onProgram,
    tracedElsewhere: overrides.tracedElsewhere,
    importedLibraries: overrides.importedLibraries,
    formatSettings: overrides.formatSettings ?? settings.formatSettings ?? createFormatSettingsLookup(),
  };
}

/**
 * The engine's outcome for each source, in their order: sources compiled by one tsconfig are analysed together
 * under its options, and declarations are released between groups when they grow large (a monorepo).
 */
export function analyseByTsconfig(
  setup: RewriteSettings & { formatSettings?: FormatSettingsLookup | undefined },
  sources: SourceInput[],
  overrides: Parameters<typeof engineOptions>[2] = {},
): FileOutcome[] {
  const byConfig = new Map<string, SourceInput[]>();
  for (const source of sources) {
    const config = tsconfigOf(source.path) ?? '';
    byConfig.set(config, [...(byConfig.get(config) ?? []), source]);
  }
  const analysed = new Map<string, FileOutcome>();
  for (const group of byConfig.values()) {
    for (const outcome of instrumentSources(group, engineOptions(setup, compilerOptionsForFile(group[0]!.path), overrides))) analysed.set(outcome.path, outcome);
    releaseDeclarationsIfLarge();
  }
  return sources.map((source) => analysed.get(source.path)!);
}
