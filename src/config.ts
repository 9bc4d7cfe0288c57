import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { LLMConvention } from './engine/instrument.js';
import type { PriceTable } from '@otelify/runtime';
import { builtinTargetsWith, type Target } from './targets/index.js';
import { withDataCarrierKey } from './targets/data-carrier.js';
import { DEFAULT_DATA_CARRIER_KEY } from './targets/types.js';

/** What `otelify.config.{json,js,mjs,ts}` or the `otelify` key of package.json may set. */
export interface OtelifyConfig {
  /** Name of the tracer the inserted code uses (default `otelify`). */
  tracerName?: string;
  /** Globs (relative to the config's folder) never rewritten, on top of .gitignore and build output. */
  exclude?: string[];
  /** Target ids (`kafkajs.send`) or library names (`kafkajs`) to leave alone. */
  disable?: string[];
  /** Extra targets, in the same shape as the built-in ones (see src/targets). */
  targets?: Target[];
  /**
   * `package` (default): rewritten code imports `@otelify/runtime`, which `apply` adds to each package's
   * dependencies. `vendor`: `apply` writes the runtime into each package's source root instead.
   */
  runtime?: RuntimeMode;
  /** Where `otelify apply` writes a vendored runtime, relative to the config's folder (implies `runtime: "vendor"`). */
  runtimeFile?: string;
  /** Attribute names of LLM spans: `llm` (default), `genai` (OpenTelemetry GenAI conventions v1.41) or `both`. */
  convention?: LLMConvention;
  /** Model prices (USD per million tokens) added to or replacing the built-in table; `name*` matches a prefix. */
  prices?: PriceTable;
  /** Record `llm.prompt_hash`, the SHA-256 of each LLM call's prompt (default: false). */
  promptHash?: boolean;
  /** Record exceptions' messages and stacks on spans (default: false, only their class: messages often quote user data). */
  errorMessages?: boolean;
  /** Ask OpenAI for token usage on streams where the code does not (default: false). */
  streamUsage?: boolean;
  /** The key of a job's data that carries the trace context, for queues whose jobs have no headers (pg-boss); default `_otel`. */
  dataCarrierKey?: string;
  /** `otelify check`: keys never reported, keys always reported, extra key patterns (regular expressions). */
  check?: { allow?: string[]; deny?: string[]; patterns?: string[] };
}

export class ConfigError extends Error {}

export interface LoadedConfig {
  config: OtelifyConfig;
  /** The file it came from, if any. */
  path?: string;
  /** Folder the config's relative paths are resolved against. */
  root: string;
}

const CONFIG_FILES = ['otelify.config.json', 'otelify.config.ts', 'otelify.config.mjs', 'otelify.config.js'];

/** Finds the config from `startDir` upwards (stopping at a package.json without an `otelify` key). */
export function loadConfig(startDir: string, explicitPath?: string): LoadedConfig {
  if (explicitPath) {
    const path = resolve(explicitPath);
    if (!existsSync(path)) throw new ConfigError(`config file not found: ${explicitPath}`);
    return { config: validate(readConfigFile(path), path), path, root: dirname(path) };
  }
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const path = join(dir, name);
      if (existsSync(path)) return { config: validate(readConfigFile(path), path), path, root: dir };
    }
    const packageJson = join(dir, 'package.json');
    if (existsSync(packageJson)) {
      const pkg = parseJson(packageJson) as { otelify?: unknown };
      if (pkg.otelify !== undefined) return { config: validate(pkg.otelify, `${packageJson} (otelify key)`), path: packageJson, root: dir };
      return { config: {}, root: dir };
    }
    const parent = dirname(dir);
    if (parent === dir) return { config: {}, root: resolve(startDir) };
    dir = parent;
  }
}

function readConfigFile(path: string): unknown {
  if (path.endsWith('.json')) return parseJson(path);
  // Synchronous so that the jscodeshift transform (a synchronous function) reads the same config; loaded only
  // for a config in code, since every bundler plugin reads the config as the build starts.
  const { createJiti } = createRequire(import.meta.url)('jiti') as typeof import('jiti');
  const jiti = createJiti(import.meta.url);
  try {
    const loaded = jiti(path) as { default?: unknown };
    return loaded.default ?? loaded;
  } catch (error) {
    throw new ConfigError(`cannot load ${path}: ${(error as Error).message}`);
  }
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot parse ${path}: ${(error as Error).message}`);
  }
}

const KNOWN_KEYS = new Set(['tracerName', 'exclude', 'disable', 'targets', 'runtime', 'runtimeFile', 'convention', 'prices', 'promptHash', 'errorMessages', 'streamUsage', 'dataCarrierKey', 'check']);
export const CONVENTIONS: readonly LLMConvention[] = ['llm', 'genai', 'both'];
export type RuntimeMode = 'package' | 'vendor';
export const RUNTIME_MODES: readonly RuntimeMode[] = ['package', 'vendor'];

function validate(value: unknown, source: string): OtelifyConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${source}: the config must be an object`);
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(`${source}: unknown key '${key}' (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  const stringList = (key: string) => {
    const v = config[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) throw new ConfigError(`${source}: '${key}' must be a list of strings`);
  };
  stringList('exclude');
  stringList('disable');
  for (const key of ['tracerName', 'runtimeFile']) {
    if (config[key] !== undefined && typeof config[key] !== 'string') throw new ConfigError(`${source}: '${key}' must be a string`);
  }
  // The key is written into paths the runtime splits at `.`, `|` and `[]`, and into string literals.
  if (config.dataCarrierKey !== undefined && !(typeof config.dataCarrierKey === 'string' && /^[A-Za-z_$][\w$-]*$/.test(config.dataCarrierKey))) {
    throw new ConfigError(`${source}: 'dataCarrierKey' must be a name of letters, digits, '_', '$' or '-' (not starting with a digit or '-')`);
  }
  if (config.runtime !== undefined && !RUNTIME_MODES.includes(config.runtime as RuntimeMode)) {
    throw new ConfigError(`${source}: 'runtime' must be one of ${RUNTIME_MODES.join(', ')}`);
  }
  if (config.convention !== undefined && !CONVENTIONS.includes(config.convention as LLMConvention)) {
    throw new ConfigError(`${source}: 'convention' must be one of ${CONVENTIONS.join(', ')}`);
  }
  for (const key of ['promptHash', 'errorMessages', 'streamUsage']) {
    if (config[key] !== undefined && typeof config[key] !== 'boolean') throw new ConfigError(`${source}: '${key}' must be true or false`);
  }
  if (config.prices !== undefined) {
    const prices = config.prices as Record<string, unknown>;
    if (typeof prices !== 'object' || prices === null || Array.isArray(prices)) throw new ConfigError(`${source}: 'prices' must map model names to prices`);
    for (const [model, price] of Object.entries(prices)) {
      const p = price as Record<string, unknown>;
      const valid = typeof p === 'object' && p !== null && ['input', 'output'].every((k) => typeof p[k] === 'number' && (p[k] as number) >= 0) &&
        ['cacheRead', 'cacheWrite'].every((k) => p[k] === undefined || (typeof p[k] === 'number' && (p[k] as number) >= 0)) &&
        Object.keys(p).every((k) => ['input', 'output', 'cacheRead', 'cacheWrite'].includes(k));
      if (!valid) throw new ConfigError(`${source}: 'prices.${model}' must be { input, output, cacheRead?, cacheWrite? } in USD per million tokens`);
    }
  }
  if (config.check !== undefined) {
    const check = config.check as Record<string, unknown>;
    if (typeof check !== 'object' || check === null) throw new ConfigError(`${source}: 'check' must be an object`);
    for (const key of Object.keys(check)) {
      if (!['allow', 'deny', 'patterns'].includes(key)) throw new ConfigError(`${source}: unknown key 'check.${key}' (known: allow, deny, patterns)`);
      const list = check[key];
      if (!(Array.isArray(list) && list.every((s) => typeof s === 'string'))) throw new ConfigError(`${source}: 'check.${key}' must be a list of strings`);
    }
    for (const pattern of (check.patterns as string[] | undefined) ?? []) {
      try {
        new RegExp(pattern);
      } catch {
        throw new ConfigError(`${source}: 'check.patterns' has an invalid regular expression: ${pattern}`);
      }
    }
  }
  if (config.targets !== undefined) {
    if (!Array.isArray(config.targets)) throw new ConfigError(`${source}: 'targets' must be a list`);
    config.targets.forEach((t, i) => validateTarget(t, `${source}: targets[${i}]`));
  }
  return config as OtelifyConfig;
}

function validateTarget(value: unknown, where: string): void {
  const t = value as Partial<Target> & Record<string, unknown>;
  const required = t.role === 'llm' ? ['id', 'library', 'role', 'provider', 'operation', 'api'] : ['id', 'library', 'system', 'operation', 'role'];
  for (const key of required) {
    if (typeof t[key] !== 'string') throw new ConfigError(`${where}: '${key}' is required and must be a string`);
  }
  if (!Array.isArray(t.modules) || t.modules.length === 0) throw new ConfigError(`${where}: 'modules' must list at least one package`);
  if (!['produce', 'consume', 'consume-method', 'consume-loop', 'request-fields', 'llm'].includes(t.role as string)) {
    throw new ConfigError(`${where}: 'role' must be produce, consume, consume-method, consume-loop, request-fields or llm`);
  }
  if (t.role === 'llm' && typeof (t as { request?: unknown }).request !== 'object') throw new ConfigError(`${where}: 'request' is required`);
  if (t.role !== 'consume-loop' && typeof (t as { match?: unknown }).match !== 'object') throw new ConfigError(`${where}: 'match' is required`);
}

/** `llm` or `queues`: the group a target belongs to, for `--only` and `disable`. */
export function targetGroup(target: Target): 'llm' | 'queues' {
  return target.role === 'llm' ? 'llm' : 'queues';
}

/** Built-in targets less the disabled ones, plus the config's own; `only` names libraries, target ids or a group. */
export function targetsFor(config: OtelifyConfig, only?: string[]): Target[] {
  const disabled = new Set(config.disable ?? []);
  const dataCarrierKey = config.dataCarrierKey ?? DEFAULT_DATA_CARRIER_KEY;
  const all = [...builtinTargetsWith(dataCarrierKey), ...(config.targets ?? []).map((target) => withDataCarrierKey(target, dataCarrierKey))];
  const named = (t: Target, names: Set<string> | string[]) => [t.id, t.library, targetGroup(t)].some((n) => (names instanceof Set ? names.has(n) : names.includes(n)));
  return all.filter((t) => !named(t, disabled) && (!only || named(t, only)));
}
