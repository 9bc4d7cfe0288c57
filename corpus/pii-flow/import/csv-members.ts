import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import { trace, metrics } from '@opentelemetry/api';

const tracer = trace.getTracer('member-import');
const imported = metrics.getMeter('member-import').createCounter('import.rows');

const COLUMNS = ['member_no', 'first_name', 'email', 'iban', 'joined'] as const;

function isValidEmail(s: string): boolean {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s);
}

export async function importMembers(path: string): Promise<number> {
  const span = tracer.startSpan('members.import', { attributes: { 'import.file': basename(path) } }); // ok
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header: string[] | undefined;
  let n = 0;
  let bad = 0;
  let first: Record<string, string> | undefined;

  for await (const line of rl) {
    if (!header) {
      header = line.split(',').map((h) => h.trim());
      span.setAttribute('import.columns', header.join('|')); // ok
      continue;
    }
    n++;
    const cols = line.split(',');
    if (cols.length !== header.length) {
      bad++;
      span.addEvent('import.malformed', { line: n, raw: line }); // pii
      span.addEvent('import.malformed', { line: n, columns: cols.length }); // ok
      imported.add(1, { status: 'malformed' }); // ok
      continue;
    }
    if (!isValidEmail(cols[2])) {
      bad++;
      span.addEvent('import.invalid', { row: n, value: cols[2] }); // pii
      imported.add(1, { status: 'invalid' }); // ok
      continue;
    }
    const rec = Object.fromEntries(header.map((h, i) => [h, cols[i].trim()]));
    first ??= rec;
    span.addEvent('import.row', rec); // pii
    span.setAttribute('import.last_iban_country', cols[3].slice(0, 2)); // ok
    span.setAttribute('import.last_member', `${cols[0]}:${cols[1]}`); // pii
    imported.add(1, { status: 'ok' }); // ok
  }

  span.setAttributes({ 'import.rows': n, 'import.rejected': bad }); // ok
  if (first) span.setAttribute('import.sample', JSON.stringify(first)); // pii
  span.end();
  return n - bad;
}

if (process.argv[2]) {
  importMembers(process.argv[2]).then((count) => console.log(`imported ${count}`));
}
