import { parentPort, workerData } from 'node:worker_threads';
import { projectAnalysis, type ProjectOptions } from './project.js';

parentPort?.postMessage(await projectAnalysis(workerData as ProjectOptions));
