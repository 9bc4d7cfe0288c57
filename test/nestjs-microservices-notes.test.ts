import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FIXTURES, runEngine } from './support/fixtures.js';

// The transport is known at the call only where the client's declared type says it: then the report tells that
// the trace stops at the broker (Redis sends no headers); a `ClientProxy` could be any transport.
it('apply notes, where the client is declared a ClientRedis, that its messages carry no context', () => {
  const sites = runEngine(join(FIXTURES, 'nestjs-microservices/producers.input.ts')).sites.filter((site) => site.action === 'instrumented');
  const noted = sites.filter((site) => site.note).map((site) => ({ line: site.line, note: site.note }));
  expect(noted).toEqual([{ line: 40, note: expect.stringContaining('sends no message headers') }]);
  expect(sites.length).toBeGreaterThan(noted.length);
});
