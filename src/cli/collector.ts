import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ConfigError } from '../config.js';
import type { LLMConvention } from '../engine/instrument.js';
import { writeAtomically } from '../files/write.js';
import { codeFacts } from '../production/code-facts.js';
import { collectorFiles, type CollectorOptions, type CostPolicy, type RedactionMode, type Resolver } from '../production/collector.js';
import { createSetup } from '../setup.js';
import { EXIT } from './apply.js';
import { resolveInputs } from './inputs.js';

export interface CollectorCommandOptions {
  paths: string[];
  config?: string;
  convention?: LLMConvention;
  redaction?: RedactionMode;
  costPolicy?: CostPolicy;
  latencyMs?: string;
  costUsd?: string;
  baselinePercent?: string;
  decisionWait?: string;
  endpoint?: string;
  insecure?: boolean;
  /** `name=ENV_VAR`, repeatable. */
  header?: string[];
  tier?: boolean;
  resolver?: Resolver;
  samplers?: string;
  samplerDns?: string;
  out?: string;
  dry?: boolean;
}

interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const DEFAULT_OUT = 'otel-collector.yaml';
export const DEFAULT_ENDPOINT = '${env:BACKEND_OTLP_ENDPOINT}';

/** `otelify collector`: returns the exit code; never calls process.exit. */
export async function collector(options: CollectorCommandOptions, out: Streams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const parsed = collectorOptions(options);
  if (typeof parsed === 'string') {
    out.stderr.write(`error ${parsed}\n`);
    return EXIT.usage;
  }
  const inputs = await resolveInputs(options.paths, options.config);
  if ('error' in inputs) {
    out.stderr.write(`error ${inputs.error}\n`);
    return EXIT.usage;
  }
  let setup;
  try {
    setup = createSetup({ from: inputs.paths[0]!, loaded: inputs.loaded, convention: options.convention });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out.stderr.write(`error ${error.message}\n`);
    return EXIT.usage;
  }
  const files = collectorFiles(codeFacts(inputs.paths, inputs.files, setup), { ...parsed, convention: setup.convention ?? 'llm' });
  const target = options.out ?? DEFAULT_OUT;
  const named = files.map((file) => ({ ...file, path: file.role === 'single' ? target : withSuffix(target, `-${file.role}`) }));
  if (options.dry) {
    out.stdout.write(named.map((file) => (named.length > 1 ? `# --- ${file.path}\n${file.text}` : file.text)).join('\n'));
    return EXIT.ok;
  }
  for (const file of named) {
    mkdirSync(dirname(resolve(file.path)), { recursive: true });
    writeAtomically(resolve(file.path), file.text);
    out.stderr.write(`wrote ${file.path}\n`);
  }
  return EXIT.ok;
}

/** `otel-collector.yaml` → `otel-collector-sampler.yaml`. */
function withSuffix(path: string, suffix: string): string {
  const extension = extname(path);
  return join(dirname(path), `${basename(path, extension)}${suffix}${extension}`);
}

/** The options as the config builder takes them, or what is wrong with them. */
function collectorOptions(options: CollectorCommandOptions): Omit<CollectorOptions, 'convention'> | string {
  const number = (text: string | undefined, fallback: number, name: string, valid: (n: number) => boolean): number | string => {
    if (text === undefined) return fallback;
    const value = Number(text);
    return text.trim() !== '' && Number.isFinite(value) && valid(value) ? value : `${name} must be ${name === '--baseline-percent' ? 'a number from 0 to 100' : 'a positive number'} (got ${text})`;
  };
  const latencyMs = number(options.latencyMs, 2000, '--latency-ms', (n) => n > 0 && Number.isInteger(n));
  const costUsd = number(options.costUsd, 0.1, '--cost-usd', (n) => n > 0);
  const baselinePercent = number(options.baselinePercent, 10, '--baseline-percent', (n) => n >= 0 && n <= 100);
  for (const value of [latencyMs, costUsd, baselinePercent]) if (typeof value === 'string') return value;
  const decisionWait = options.decisionWait ?? '10s';
  if (!/^\d+(\.\d+)?(ms|s|m|h)$/.test(decisionWait)) return `--decision-wait must be a duration such as 10s, 500ms or 1m (got ${decisionWait})`;
  const headers: Record<string, string> = {};
  for (const header of options.header ?? []) {
    const match = /^([A-Za-z0-9-]+)=([A-Za-z_][A-Za-z0-9_]*)$/.exec(header);
    if (!match) return `--header takes name=ENV_VAR, the variable that holds the header's value (got ${header})`;
    headers[match[1]!.toLowerCase()] = match[2]!;
  }
  const resolver = options.resolver ?? (options.samplers ? 'static' : 'dns');
  const hostnames = (options.samplers ?? '').split(',').map((host) => host.trim()).filter(Boolean);
  if (options.tier && resolver === 'static' && hostnames.length === 0) return '--resolver static needs --samplers host:port,host:port';
  return {
    redaction: options.redaction ?? 'blocklist',
    costPolicy: options.costPolicy ?? 'ottl',
    latencyMs: latencyMs as number,
    costUsd: costUsd as number,
    baselinePercent: baselinePercent as number,
    decisionWait,
    endpoint: options.endpoint ?? DEFAULT_ENDPOINT,
    insecure: options.insecure ?? false,
    headers,
    tier: options.tier ? { resolver, hostnames, dnsName: options.samplerDns ?? 'otel-sampler' } : undefined,
  };
}
