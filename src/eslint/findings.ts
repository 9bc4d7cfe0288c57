import { dirname } from 'node:path';
import type { Rule } from 'eslint';
import { findPii, mayWriteTelemetry, type CheckPolicy, type Finding } from '../check/find.js';
import { compilerOptionsFor } from '../engine/program.js';

/**
 * Findings of `otelify check`'s engine for the file being linted, computed once per file and policy and
 * shared by the plugin's rules. The engine resolves what each call is with its own TypeScript program, so
 * the rules work the same with or without typed linting.
 */
const cache = new WeakMap<object, Map<string, Finding[]>>();

/** `policy` undefined: a rule whose findings no policy changes (baggage-size), which any result will do for. */
export function findingsFor(context: Rule.RuleContext, policy: CheckPolicy | undefined): Finding[] {
  const key = context.sourceCode.ast;
  const byPolicy = cache.get(key) ?? new Map<string, Finding[]>();
  cache.set(key, byPolicy);
  if (!policy && byPolicy.size > 0) return byPolicy.values().next().value!;
  policy ??= {};
  // Rules with different options (an `allow` list on one of them) must not share a result.
  const policyKey = JSON.stringify([policy.allow ?? [], policy.deny ?? [], policy.patterns ?? []]);
  const cached = byPolicy.get(policyKey);
  if (cached) return cached;
  const text = context.sourceCode.text;
  const findings = mayWriteTelemetry(text)
    ? (findPii([{ path: context.filename, text }], { compilerOptions: compilerOptionsFor(dirname(context.filename)), policy })[0]?.findings ?? [])
    : [];
  byPolicy.set(policyKey, findings);
  return findings;
}

/** Reports the findings of one rule of the engine, each under the message id it maps to. */
export function reportFindings(context: Rule.RuleContext, policy: CheckPolicy | undefined, ruleId: Finding['ruleId'], messageIdOf: (finding: Finding) => string): void {
  for (const finding of findingsFor(context, policy)) {
    if (finding.ruleId !== ruleId) continue;
    context.report({
      loc: { start: { line: finding.line, column: finding.column - 1 }, end: { line: finding.endLine, column: finding.endColumn - 1 } },
      messageId: messageIdOf(finding),
      data: { message: finding.message },
    });
  }
}
