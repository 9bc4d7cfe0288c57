import { parentPort, workerData } from 'node:worker_threads';
import { findCandidates, keptAnalysis, type ProjectOptions } from './project.js';

const options = workerData as ProjectOptions;
const candidates = findCandidates(options);
// The engine, and TypeScript with it, loads only when no kept analysis serves.
const modules = keptAnalysis(options, candidates) ?? (await import('./analyse.js')).analyseProject(options, candidates);
parentPort?.postMessage(modules);
