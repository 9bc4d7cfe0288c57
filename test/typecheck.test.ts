import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { runtimeSource } from '../src/runtime/source.js';
import { FIXTURE_RUNTIME, FIXTURES } from './support/fixtures.js';

it('every rewritten fixture and the runtime type-check under strict against the real typings', () => {
  writeFileSync(FIXTURE_RUNTIME, runtimeSource('ts'));
  const configPath = join(FIXTURES, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, FIXTURES, undefined, configPath);
  expect(parsed.fileNames.filter((f) => f.includes('.output.')).length).toBeGreaterThan(0);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${d.file?.fileName ?? ''}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(diagnostics).toEqual([]);
});
