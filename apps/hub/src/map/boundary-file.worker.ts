import { parentPort, workerData } from 'node:worker_threads';
import { checkBoundaryFile } from './area-boundary-file';

// Run by boundary-file.checker.ts: the file's bytes in, the check's answer out.
parentPort?.postMessage(checkBoundaryFile(workerData as Uint8Array));
