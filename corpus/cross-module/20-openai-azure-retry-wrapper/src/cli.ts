import { readFile } from 'node:fs/promises';
import { flagRiskyClauses, type Clause } from './features/clauses.js';
import { writeMemo } from './features/memo.js';

const path = process.argv[2];
if (!path) throw new Error('usage: review <contract.json>');
const clauses = JSON.parse(await readFile(path, 'utf8')) as Clause[];
const flagged = await flagRiskyClauses(clauses);
console.log(await writeMemo(path, flagged));
