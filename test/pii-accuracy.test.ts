import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { findPii } from '../src/check/find.js';
import { compilerOptionsFor } from '../src/engine/program.js';
import { FIXTURES } from './support/fixtures.js';

const CORPUS = join(FIXTURES, 'pii');
const LABEL = /\/\/ (pii|ok)$/;

it('finds personal data in the labeled corpus with precision and recall of at least 0.95', () => {
  const sources = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ path: join(CORPUS, f), text: readFileSync(join(CORPUS, f), 'utf8') }));
  const results = findPii(sources, { compilerOptions: compilerOptionsFor(FIXTURES) });
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let labels = 0;
  let positives = 0;
  const misses: string[] = [];
  for (const { path, findings, parseError } of results) {
    expect(parseError).toBeUndefined();
    const flagged = new Set(findings.map((f) => f.line));
    const lines = sources.find((s) => s.path === path)!.text.split('\n');
    lines.forEach((text, i) => {
      const label = LABEL.exec(text)?.[1];
      const hit = flagged.has(i + 1);
      const where = `${path.slice(CORPUS.length + 1)}:${i + 1}: ${text.trim()}`;
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
  console.log(`PII corpus: ${labels} labeled writes (${positives} personal data, ${((positives / labels) * 100).toFixed(0)}%), precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
  if (misses.length > 0) console.log(misses.join('\n'));
  expect(labels).toBeGreaterThanOrEqual(300);
  expect(positives / labels).toBeGreaterThanOrEqual(0.4);
  expect(precision).toBeGreaterThanOrEqual(0.95);
  expect(recall).toBeGreaterThanOrEqual(0.95);
});
