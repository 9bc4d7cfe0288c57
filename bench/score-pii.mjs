#!/usr/bin/env node
// Scores `otelify check` PII findings against a labeled corpus.
// Usage: node bench/score-pii.mjs corpus/pii-flow [--json] [--rule <id>[,<id>...]]
//
// Labels: a line ending in `// pii` must be flagged, a line ending in `// ok`
// must not be. A finding on a line that carries neither label is reported
// separately as an "unlabeled finding" and does not enter precision/recall.
// With --rule, only findings of those rules count (`--rule baggage-size` for corpus/baggage).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..');
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const ruleAt = args.indexOf('--rule');
const rules = ruleAt >= 0 ? new Set((args[ruleAt + 1] ?? '').split(',').filter(Boolean)) : undefined;
const target = args.find((a, i) => !a.startsWith('--') && (ruleAt < 0 || i !== ruleAt + 1));
if (!target || (rules && rules.size === 0)) {
  console.error('usage: node bench/score-pii.mjs <corpus-dir> [--json] [--rule <id>[,<id>...]]');
  process.exit(2);
}
const corpusDir = resolve(process.cwd(), target);

const EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (EXT.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = walk(corpusDir);
const sources = files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));

// labels: abs path -> Map(line(1-based) -> 'pii' | 'ok')
const labels = new Map();
const lineText = new Map();
for (const { path, text } of sources) {
  const m = new Map();
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => {
    const hit = /\/\/ (pii|ok)$/.exec(l);
    if (hit) m.set(i + 1, hit[1]);
  });
  labels.set(path, m);
  lineText.set(path, lines);
}

const compilerOptions = { allowJs: true, checkJs: false, strict: true, target: 99, module: 199, moduleResolution: 99, skipLibCheck: true };
const { findPii } = await import(pathToFileURL(join(projectRoot, 'dist/check/find.js')).href);
const t0 = performance.now();
const results = await findPii(sources, { compilerOptions });
const elapsedMs = performance.now() - t0;

const flagged = new Map(); // abs path -> Set(line)
const parseErrors = [];
for (const r of results) {
  const p = resolve(corpusDir, r.path);
  if (r.parseError) parseErrors.push({ path: p, error: String(r.parseError) });
  const set = flagged.get(p) ?? new Set();
  for (const f of r.findings ?? []) if (!rules || rules.has(f.ruleId)) set.add(f.line);
  flagged.set(p, set);
}

const rel = (p) => relative(corpusDir, p);
const show = (p, line) => (lineText.get(p)?.[line - 1] ?? '').trim().replace(/\s*\/\/ (pii|ok)$/, '');
let tp = 0, fn = 0, fp = 0, tn = 0;
const perFile = [];
const unlabeled = [];
for (const { path } of sources) {
  const lab = labels.get(path);
  const got = flagged.get(path) ?? new Set();
  const row = { file: rel(path), labeled: lab.size, pii: 0, ok: 0, tp: 0, fn: 0, fp: 0, tn: 0, misses: [], falseReports: [] };
  for (const [line, l] of lab) {
    const hit = got.has(line);
    if (l === 'pii') {
      row.pii++;
      if (hit) row.tp++;
      else { row.fn++; row.misses.push({ line, code: show(path, line) }); }
    } else {
      row.ok++;
      if (hit) { row.fp++; row.falseReports.push({ line, code: show(path, line) }); }
      else row.tn++;
    }
  }
  for (const line of [...got].sort((a, b) => a - b)) {
    if (!lab.has(line)) unlabeled.push({ file: rel(path), line, code: show(path, line) });
  }
  tp += row.tp; fn += row.fn; fp += row.fp; tn += row.tn;
  perFile.push(row);
}
for (const [p, set] of flagged) {
  if (!labels.has(p)) for (const line of set) unlabeled.push({ file: rel(p), line, code: '(file not in corpus)' });
}

const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
const summary = { corpus: target, rules: rules ? [...rules] : 'all', files: sources.length, labeled: tp + fn + fp + tn, pii: tp + fn, ok: fp + tn, tp, fn, fp, tn, precision, recall, f1, unlabeledFindings: unlabeled.length, parseErrors: parseErrors.length, elapsedMs: Math.round(elapsedMs) };

if (asJson) {
  console.log(JSON.stringify({ summary, perFile, unlabeled, parseErrors }, null, 2));
} else {
  const pct = (x) => (100 * x).toFixed(1) + '%';
  console.log(`corpus ${target}${rules ? ` (rules ${[...rules].join(', ')})` : ''}: ${summary.files} files, ${summary.labeled} labeled lines (${summary.pii} pii, ${summary.ok} ok)`);
  console.log(`TP ${tp}  FN ${fn}  FP ${fp}  TN ${tn}`);
  console.log(`precision ${pct(precision)}  recall ${pct(recall)}  F1 ${pct(f1)}`);
  console.log(`unlabeled findings ${unlabeled.length}  parse errors ${parseErrors.length}  (${summary.elapsedMs} ms)`);
  console.log('\nper file (labeled / pii / ok : tp fn fp)');
  for (const r of perFile) if (r.labeled) console.log(`  ${r.file.padEnd(36)} ${String(r.labeled).padStart(3)} / ${String(r.pii).padStart(2)} / ${String(r.ok).padStart(2)} : ${r.tp} ${r.fn} ${r.fp}`);
  const missed = perFile.filter((r) => r.misses.length);
  if (missed.length) {
    console.log('\nmisses (pii not flagged)');
    for (const r of missed) {
      console.log(`  ${r.file}`);
      for (const m of r.misses) console.log(`    ${String(m.line).padStart(4)}  ${m.code}`);
    }
  }
  const fps = perFile.filter((r) => r.falseReports.length);
  if (fps.length) {
    console.log('\nfalse reports (ok flagged)');
    for (const r of fps) {
      console.log(`  ${r.file}`);
      for (const m of r.falseReports) console.log(`    ${String(m.line).padStart(4)}  ${m.code}`);
    }
  }
  if (unlabeled.length) {
    console.log('\nunlabeled findings');
    for (const u of unlabeled) console.log(`  ${u.file}:${u.line}  ${u.code}`);
  }
  if (parseErrors.length) {
    console.log('\nparse errors');
    for (const e of parseErrors) console.log(`  ${rel(e.path)}: ${e.error}`);
  }
}
