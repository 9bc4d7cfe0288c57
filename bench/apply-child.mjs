// Runs `otelify apply --dry` in this process and prints its wall time and peak memory as JSON.
import { apply } from '../dist/cli/apply.js';
import { Output } from '../dist/cli/output.js';
import { Writable } from 'node:stream';

let json = '';
const sink = new Writable({
  write: (chunk, _enc, done) => {
    json += chunk;
    done();
  },
});
const started = performance.now();
const code = await apply({ paths: [process.argv[2]], dry: true, json: true }, new Output(sink, sink));
const ms = performance.now() - started;
const report = JSON.parse(json);
const instrumented = report.sites.filter((s) => s.action === 'instrumented').length;
process.stdout.write(JSON.stringify({ code, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, parsed: report.files.parsed, instrumented }));
