import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { NODE_VERSIONS, nodeBinary } from './support/node-binaries.js';

it('fetches the Node.js 22 and 24 binaries the version tests run on', () => {
  for (const major of [22, 24] as const) {
    expect(execFileSync(nodeBinary(major), ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${NODE_VERSIONS[major]}`);
  }
}, 300_000);
