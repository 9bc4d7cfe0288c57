import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureCases, runEngine } from './support/fixtures.js';

// UPDATE_FIXTURES=1 rewrites the .output files from the engine (review the diff before committing).
const update = process.env.UPDATE_FIXTURES === '1';

describe.each(fixtureCases())('fixture $name', ({ input, output: existing }) => {
  const source = readFileSync(input, 'utf8');
  const output = existing ?? (update ? input.replace('.input.', '.output.') : undefined);
  const negative = basename(input).startsWith('no-transform-');

  it(negative ? 'is left unchanged' : 'is rewritten as the golden output', () => {
    const outcome = runEngine(input, source);
    expect(outcome.parseError).toBeUndefined();
    if (negative) {
      expect(outcome.output).toBeUndefined();
      expect(outcome.sites.filter((s) => s.action === 'instrumented')).toEqual([]);
      return;
    }
    expect(outcome.output, 'the engine changed nothing').toBeDefined();
    expect(output, `missing ${input.replace('.input.', '.output.')} (UPDATE_FIXTURES=1 writes it)`).toBeDefined();
    if (update) writeFileSync(output!, outcome.output!);
    expect(outcome.output).toBe(readFileSync(output!, 'utf8'));
  });

  // Optional `<case>.sites.json`: what the report says of each call site (skip reasons and notes included).
  const sitesFile = input.replace(/\.input\.[cm]?[jt]sx?$/, '.sites.json');
  if (existsSync(sitesFile)) {
    it('reports every call site as expected', () => {
      const sites = runEngine(input, source).sites.map(({ line, target, action, reason, note }) => ({ line, target, action, ...(reason ? { reason } : {}), ...(note ? { note } : {}) }));
      // One site a line, as the files are written by hand.
      if (update) writeFileSync(sitesFile, `[\n${sites.map((site) => `  ${JSON.stringify(site, null, 1).replace(/\n\s*/g, ' ')}`).join(',\n')}\n]\n`);
      expect(sites).toEqual(JSON.parse(readFileSync(sitesFile, 'utf8')));
    });
  }

  if (!negative) {
    it('is idempotent: the output is left unchanged', () => {
      const again = runEngine(input, readFileSync(output!, 'utf8'));
      expect(again.output).toBeUndefined();
      expect(again.sites.every((s) => s.action !== 'instrumented')).toBe(true);
    });
  }
});
