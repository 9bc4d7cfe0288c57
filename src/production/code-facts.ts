// What a codebase emits, for `otelify collector`: which otelify call sites it has (rewritten already or still
// to rewrite, found by the engine as `apply` finds them), so which keys the runtime writes, and the keys its
// own telemetry writes (found as `otelify check` finds those writes).
import { basename, relative, resolve, sep } from 'node:path';
import { exceptionAttributeNames, llmAttributeNames, MESSAGING_ATTRIBUTE_NAMES } from '@otelify/runtime';
import { findWrittenKeys } from '../check/find.js';
import { selectCandidates } from '../engine/candidates.js';
import { compilerOptionsFor } from '../engine/program.js';
import { readSource } from '../files/source-text.js';
import { RUNTIME_BASENAME } from '../runtime/vendor.js';
import { analyseByTsconfig, type Setup } from '../setup.js';
import type { CodeFacts } from './collector.js';

export function codeFacts(paths: string[], files: string[], setup: Setup): CodeFacts {
  const sources: { path: string; text: string }[] = [];
  for (const path of files) {
    // A vendored runtime is otelify's own code: its keys come from the runtime's lists below.
    if (basename(path).startsWith(`${RUNTIME_BASENAME}.`)) continue;
    const read = readSource(path);
    if (read.ok) sources.push({ path, text: read.text });
  }
  const sites = callSites(sources, setup);
  const llm = sites.has('llm');
  const queues = sites.has('queues');
  const errorMessages = setup.config.errorMessages ?? false;
  const runtimeKeys = [
    ...(queues ? MESSAGING_ATTRIBUTE_NAMES : []),
    ...(llm ? llmAttributeNames(setup.convention ?? 'llm', { promptHash: setup.config.promptHash ?? false }) : []),
    ...(queues || llm ? exceptionAttributeNames(errorMessages) : []),
  ];
  const written = findWrittenKeys(sources, { compilerOptions: compilerOptionsFor(resolve(paths[0]!)) });
  const root = setup.loaded.root;
  const shown = (path: string) => relative(root, resolve(path)).split(sep).join('/') || '.';
  return {
    source: `${paths.map(shown).join(', ')} (${sources.length} file${sources.length === 1 ? '' : 's'})`,
    allowedKeys: [...new Set([...runtimeKeys, ...written.keys])].sort(),
    unknownKeys: written.unknown.map((u) => ({ ...u, file: shown(u.file) })).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
    llm,
    queues,
    check: setup.config.check ?? {},
  };
}

/**
 * The kinds of otelify call sites in the code: those `apply` would rewrite and those it rewrote already
 * (not a hand-written `propagation.inject`, which the runtime does not trace).
 */
function callSites(sources: { path: string; text: string }[], setup: Setup): Set<'llm' | 'queues'> {
  const selected = selectCandidates(sources, setup.prefilter).candidates;
  const candidates = sources.filter((source) => selected.has(source.path));
  const kinds = new Set<'llm' | 'queues'>();
  for (const outcome of analyseByTsconfig(setup, candidates)) {
    for (const site of outcome.sites) {
      const traced = site.action === 'instrumented' || (site.action === 'already-instrumented' && !site.reason);
      // `request-fields` asks SQS for the propagation fields: it makes no span.
      if (traced && site.role !== 'request-fields') kinds.add(site.role === 'llm' ? 'llm' : 'queues');
    }
  }
  return kinds;
}
