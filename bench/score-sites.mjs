// Scores `otelify apply --dry --json` against a labeled corpus of projects (corpus/<name>/<project>/labels.json):
// a labeled site reported by otelify (instrumented, or skipped with a reason) is found; a reported site at a
// line labeled negative, or at no labeled line, is a false positive. Prints precision and recall, and the misses.
//   node bench/score-sites.mjs corpus/cross-module [otelify command]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const corpus = resolve(process.argv[2] ?? 'corpus/cross-module');
const command = (process.argv[3] ?? `node ${resolve(import.meta.dirname, '../dist/cli/bin.js')}`).split(' ');
let found = 0, missed = 0, falsePositives = 0, labeled = 0;
const misses = [], wrong = [];
for (const project of readdirSync(corpus).sort()) {
  const dir = join(corpus, project);
  if (!existsSync(join(dir, 'labels.json'))) continue;
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'));
  const run = spawnSync(command[0], [...command.slice(1), 'apply', '.', '--dry', '--json', '--force'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`${project}: no JSON report\n${run.stdout}\n${run.stderr}`);
  }
  const reported = report.sites.map((s) => ({ ...s, key: `${relative(dir, resolve(dir, s.file))}:${s.line}` }));
  const keys = new Set(reported.map((s) => s.key));
  for (const site of labels.sites) {
    labeled++;
    if (keys.has(`${site.file}:${site.line}`)) found++;
    else {
      missed++;
      misses.push(`${project}/${site.file}:${site.line} ${site.library} ${site.api}`);
    }
  }
  const truths = new Set(labels.sites.map((s) => `${s.file}:${s.line}`));
  for (const site of reported) {
    if (!truths.has(site.key)) {
      falsePositives++;
      wrong.push(`${project}/${site.key} ${site.target} (${site.action})`);
    }
  }
}
const precision = found / (found + falsePositives || 1);
const recall = found / (labeled || 1);
console.log(`${relative(process.cwd(), corpus)}: ${labeled} labeled sites; found ${found}, missed ${missed}, false positives ${falsePositives}`);
console.log(`precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
if (misses.length) console.log(`missed:\n  ${misses.join('\n  ')}`);
if (wrong.length) console.log(`false positives:\n  ${wrong.join('\n  ')}`);
