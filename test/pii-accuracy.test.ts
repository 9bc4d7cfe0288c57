import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { findPii } from '../src/check/find.js';
import { compilerOptionsFor } from '../src/engine/program.js';
import { ts } from '../src/engine/typescript.cjs';
import { FIXTURES } from './support/fixtures.js';

const LABEL = /\/\/ (pii|ok)$/;
const CORPORA = join(FIXTURES, '../corpus');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Scores the check on a labeled corpus: a finding on a `// pii` line is right, one on any other line is wrong. */
function score(dir: string, compilerOptions: ts.CompilerOptions) {
  const sources = sourceFiles(dir).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const results = findPii(sources, { compilerOptions });
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let labels = 0;
  let positives = 0;
  const misses: string[] = [];
  for (const { path, findings, parseError } of results) {
    expect(parseError, path).toBeUndefined();
    const flagged = new Set(findings.map((f) => f.line));
    const lines = sources.find((s) => s.path === path)!.text.split('\n');
    lines.forEach((text, i) => {
      const label = LABEL.exec(text)?.[1];
      const hit = flagged.has(i + 1);
      const where = `${path.slice(dir.length + 1)}:${i + 1}: ${text.trim()}`;
      if (label) labels++;
      if (label === 'pii') {
        positives++;
        if (hit) tp++;
        else {
          fn++;
          misses.push(`missed   ${where}`);
        }
      } else if (hit) {
        fp++;
        misses.push(`reported ${where}`);
      }
    });
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  console.log(`${dir.split('/').slice(-2).join('/')}: ${labels} labeled writes (${positives} personal data), precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
  if (misses.length > 0) console.log(misses.join('\n'));
  return { labels, positives, precision, recall };
}

it('finds personal data in the labeled corpus with precision and recall of at least 0.95', () => {
  const { labels, positives, precision, recall } = score(join(FIXTURES, 'pii'), compilerOptionsFor(FIXTURES));
  expect(labels).toBeGreaterThanOrEqual(300);
  expect(positives / labels).toBeGreaterThanOrEqual(0.4);
  expect(precision).toBeGreaterThanOrEqual(0.95);
  expect(recall).toBeGreaterThanOrEqual(0.95);
});

// Two corpora written by helpers blind to the check, of values whose names say nothing: the check follows them to
// their sources. `pii-flow` was scored first (0.956 / 0.404), then the data flow was built against it;
// `pii-holdout` was scored once after that (0.928 / 0.713 on its labeled lines, 0.906 counting two findings on
// unlabeled lines as wrong; the check before the data flow: 0.969 / 0.287).
// The floors keep what was reached.
const FLOW_OPTIONS: ts.CompilerOptions = { allowJs: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true };

it('follows values to their sources in the blind data-flow corpus (requests, payloads, argv, files, DOM, errors, metrics)', () => {
  const { labels, precision, recall } = score(join(CORPORA, 'pii-flow'), FLOW_OPTIONS);
  expect(labels).toBeGreaterThanOrEqual(350);
  expect(precision).toBeGreaterThanOrEqual(0.93);
  expect(recall).toBeGreaterThanOrEqual(0.86);
});

it('keeps its accuracy on the hold-out corpus it was not built against', () => {
  const { labels, precision, recall } = score(join(CORPORA, 'pii-holdout'), FLOW_OPTIONS);
  expect(labels).toBeGreaterThanOrEqual(230);
  expect(precision).toBeGreaterThanOrEqual(0.9);
  expect(recall).toBeGreaterThanOrEqual(0.68);
});
