import { parentPort, workerData } from 'node:worker_threads';
import { analyse, type AnalysisRequest } from './analyse.js';

parentPort?.postMessage(analyse(workerData as AnalysisRequest));
