// Runs `otelify check` in this process and prints its wall time, peak memory and finding count as JSON.
import { Writable } from 'node:stream';
import { check } from '../dist/cli/check.js';

let json = '';
const stdout = new Writable({
  write: (chunk, _enc, done) => {
    json += chunk;
    done();
  },
});
const started = performance.now();
const code = await check({ paths: [process.argv[2]], format: 'json' }, { stdout, stderr: process.stderr });
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ code, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, findings: JSON.parse(json).length }));
