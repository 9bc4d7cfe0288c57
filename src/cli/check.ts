import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import pc from 'picocolors';
import { findPii, mayWriteTelemetry, SEVERITY, type Finding } from '../check/find.js';
import { compilerOptionsFor } from '../engine/program.js';
import { writeAtomically } from '../files/write.js';
import { EXIT } from './apply.js';
import { resolveInputs } from './inputs.js';

export type CheckFormat = 'stylish' | 'json' | 'sarif' | 'github';

export interface CheckOptions {
  paths: string[];
  format?: CheckFormat;
  config?: string;
  baseline?: string;
  updateBaseline?: boolean;
}

interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A file of known findings: the check fails only on findings that are not in it. */
interface Baseline {
  version: 1;
  findings: { file: string; ruleId: string; subject: string; count: number }[];
}

const RULES: { id: keyof typeof SEVERITY; description: string }[] = [
  { id: 'pii-attribute', description: 'Span attributes, span names, events, baggage and metric attributes must not carry personal data.' },
  { id: 'pii-error-message', description: 'Telemetry should not carry raw error messages or recorded exceptions that may embed user data.' },
  { id: 'baggage-size', description: 'Baggage should hold a few short values: not serialised objects, lists, free text or request data, and not more than W3C Baggage allows (180 entries, 8,192 bytes).' },
  { id: 'parse-error', description: 'The file could not be parsed.' },
];

/** `otelify check`: returns the exit code; never calls process.exit. */
export async function check(options: CheckOptions, out: Output = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const format = options.format ?? 'stylish';
  if (!['stylish', 'json', 'sarif', 'github'].includes(format)) {
    out.stderr.write(`error --format must be stylish, json, sarif or github (got ${format})\n`);
    return EXIT.usage;
  }
  const inputs = await resolveInputs(options.paths, options.config);
  if ('error' in inputs) {
    out.stderr.write(`error ${inputs.error}\n`);
    return EXIT.usage;
  }
  const { paths, loaded, files } = inputs;
  // Reports name files from the repository's root, wherever the check runs, so a baseline written at the
  // root matches from a subfolder and code scanning finds the files.
  rel = relativeTo(repositoryRoot(resolve(paths[0]!)) ?? loaded.root);
  const sources = files.map((path) => ({ path, text: readFileSync(path, 'utf8') })).filter((s) => mayWriteTelemetry(s.text));
  const results = findPii(sources, { compilerOptions: compilerOptionsFor(resolve(paths[0]!)), policy: loaded.config.check });
  let findings: Finding[] = results.flatMap((r) => r.findings);
  for (const { path, parseError } of results) {
    if (!parseError) continue;
    const { line, column, message } = parseError;
    findings.push({ file: path, line, column, endLine: line, endColumn: column, ruleId: 'parse-error' as Finding['ruleId'], severity: SEVERITY['parse-error'], category: 'error-message', message, subject: 'parse-error' });
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);

  if (options.updateBaseline) {
    if (!options.baseline) {
      out.stderr.write('error --update-baseline needs --baseline <file>\n');
      return EXIT.usage;
    }
    writeAtomically(options.baseline, `${JSON.stringify(toBaseline(findings), null, 2)}\n`);
    out.stderr.write(`wrote ${findings.length} findings to ${options.baseline}\n`);
    return EXIT.ok;
  }
  if (options.baseline) {
    if (!existsSync(options.baseline)) {
      out.stderr.write(`error baseline not found: ${options.baseline} (create it with --update-baseline)\n`);
      return EXIT.usage;
    }
    const baseline = readBaseline(options.baseline);
    if (typeof baseline === 'string') {
      out.stderr.write(`error baseline ${options.baseline}: ${baseline} (write it anew with --update-baseline)\n`);
      return EXIT.usage;
    }
    findings = withoutBaseline(findings, baseline);
  }

  const print = { stylish, json, sarif, github }[format as CheckFormat];
  out.stdout.write(print(findings));
  return findings.some((f) => f.severity === 'error') ? EXIT.fileFailed : EXIT.ok;
}

/** Repository-relative, `/`-separated: stable across machines and working directories (SARIF, baselines). */
let rel = relativeTo(process.cwd());

function relativeTo(root: string): (file: string) => string {
  return (file) => relative(root, file).split(sep).join('/');
}

/** The top of the git work tree holding `path`, if any. */
function repositoryRoot(path: string): string | undefined {
  for (let dir = existsSync(path) && !path.endsWith(sep) ? path : dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A path as a SARIF URI reference: each segment percent-encoded (spaces, `#`, `%`, non-ASCII). */
function uriOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function toBaseline(findings: Finding[]): Baseline {
  const counts = new Map<string, Baseline['findings'][number]>();
  for (const f of findings) {
    const key = `${rel(f.file)}\0${f.ruleId}\0${f.subject}`;
    const entry = counts.get(key) ?? { file: rel(f.file), ruleId: f.ruleId, subject: f.subject, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return { version: 1, findings: [...counts.values()] };
}

/** The baseline file's findings, or why it cannot be used. */
function readBaseline(path: string): Baseline | string {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EISDIR' ? 'is a folder, not a file' : code ? `cannot be read (${code})` : `is not valid JSON (${(error as Error).message})`;
  }
  const findings = (value as Partial<Baseline> | null)?.findings;
  const valid =
    Array.isArray(findings) &&
    findings.every((f) => typeof f === 'object' && f !== null && typeof f.file === 'string' && typeof f.ruleId === 'string' && typeof f.subject === 'string' && Number.isInteger(f.count));
  return valid ? (value as Baseline) : 'is not an otelify baseline (expected { "version": 1, "findings": [{ file, ruleId, subject, count }] })';
}

/** Drops findings the baseline knows (by file, rule and key, not line, so moved code stays known). */
function withoutBaseline(findings: Finding[], baseline: Baseline): Finding[] {
  const budget = new Map(baseline.findings.map((f) => [`${f.file}\0${f.ruleId}\0${f.subject}`, f.count]));
  return findings.filter((f) => {
    const key = `${rel(f.file)}\0${f.ruleId}\0${f.subject}`;
    const left = budget.get(key) ?? 0;
    if (left > 0) {
      budget.set(key, left - 1);
      return false;
    }
    return true;
  });
}

function stylish(findings: Finding[]): string {
  if (findings.length === 0) return '';
  const lines: string[] = [];
  let current = '';
  for (const f of findings) {
    if (f.file !== current) {
      current = f.file;
      lines.push('', pc.underline(rel(f.file)));
    }
    const severity = f.severity === 'error' ? pc.red('error') : pc.yellow('warning');
    lines.push(`  ${`${f.line}:${f.column}`.padEnd(8)} ${severity}  ${f.message}  ${pc.dim(`otelify/${f.ruleId}`)}`);
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push('', pc.bold(`${errors > 0 ? pc.red('✖') : pc.yellow('!')} ${findings.length} problem${findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'})`), '');
  return `${lines.join('\n')}\n`;
}

function json(findings: Finding[]): string {
  return `${JSON.stringify(findings.map((f) => ({ ...f, file: rel(f.file), ruleId: `otelify/${f.ruleId}` })), null, 2)}\n`;
}

function sarif(findings: Finding[]): string {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const log = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'otelify',
            version,
            informationUri: 'https://www.npmjs.com/package/otelify',
            rules: RULES.map((r) => ({ id: `otelify/${r.id}`, shortDescription: { text: r.description }, defaultConfiguration: { level: SEVERITY[r.id] } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: `otelify/${f.ruleId}`,
          ruleIndex: RULES.findIndex((r) => r.id === f.ruleId),
          level: f.severity,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriOf(rel(f.file)), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          // Stable across runs and line moves: file, rule and key.
          partialFingerprints: { 'otelify/v1': `${rel(f.file)}:${f.ruleId}:${f.subject}` },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function github(findings: Finding[]): string {
  return findings
    .map((f) => {
      const level = f.severity;
      const props = [`file=${escapeProperty(rel(f.file))}`, `line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`, `title=${escapeProperty(`otelify/${f.ruleId}`)}`];
      return `::${level} ${props.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
}
