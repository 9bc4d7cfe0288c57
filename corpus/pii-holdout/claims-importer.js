'use strict';

const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { trace, metrics, SpanStatusCode } = require('@opentelemetry/api');

const tracer = trace.getTracer('claims-importer');
const meter = metrics.getMeter('claims-importer');
const imported = meter.createCounter('claims.rows_imported');
const amounts = meter.createHistogram('claims.amount');

const COLUMNS = ['claim_no', 'policy_no', 'member_name', 'dob', 'icd10', 'amount', 'currency', 'provider_id', 'notes'];

function toRecord(line) {
  const cells = line.split(';');
  const rec = {};
  COLUMNS.forEach((col, i) => {
    rec[col] = (cells[i] || '').trim();
  });
  return rec;
}

function checkDob(rec) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(rec.dob)) {
    throw new RangeError('unexpected date ' + rec.dob + ' on claim ' + rec.claim_no);
  }
}

function checkAmount(rec) {
  if (!(Number(rec.amount) > 0)) {
    throw new RangeError('amount must be positive');
  }
}

function holder(rec) {
  return [rec.member_name, rec.dob].join(' / ');
}

async function importFile(file) {
  const span = tracer.startSpan('claims.import_file', { attributes: { 'file.name': path.basename(file) } }); // ok
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  let rejected = 0;
  for await (const line of rl) {
    n++;
    if (n === 1) continue;
    const rec = toRecord(line);
    const { claim_no: ref, icd10: code, amount, currency } = rec;

    if (!/^[A-TV-Z]\d{2}/.test(code)) {
      rejected++;
      span.addEvent('row.rejected', { line: n, reason: 'bad_code' }); // ok
      span.addEvent('row.rejected.raw', { line: n, row: line }); // pii
      continue;
    }

    try {
      checkDob(rec);
    } catch (err) {
      rejected++;
      span.recordException(err); // pii
      continue;
    }

    try {
      checkAmount(rec);
    } catch (err) {
      rejected++;
      span.recordException(err); // ok
      continue;
    }

    const diag = code;
    span.addEvent('claim.parsed', { ref, diag }); // pii
    span.setAttribute('claim.policy', rec.policy_no); // pii
    if (Number(amount) > 10000) span.addEvent('claim.review', { who: holder(rec) }); // pii
    if (rec.notes) span.addEvent('claim.annotated', { length: rec.notes.length }); // ok
    imported.add(1, { currency }); // ok
    amounts.record(Number(amount), { currency, provider: rec.provider_id }); // ok
  }
  span.setAttributes({ 'rows.total': n - 1, 'rows.rejected': rejected }); // ok
  if (rejected > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `${rejected} of ${n - 1} rows rejected` }); // ok
  span.end();
  return { total: n - 1, rejected };
}

async function main() {
  const dir = process.argv[2] || './inbox';
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
    const result = await importFile(path.join(dir, name));
    process.stdout.write(`${name}: ${result.total - result.rejected}/${result.total}\n`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.exitCode = 1;
    console.error(e);
  });
}

module.exports = { importFile, toRecord };
