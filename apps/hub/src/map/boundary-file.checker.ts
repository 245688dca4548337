import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidInputError } from '@hub/common';
import { type BoundaryFileCheck, checkBoundaryFile } from './area-boundary-file';

/** Checks an uploaded boundary file (area-boundary-file.ts). */
export type BoundaryFileChecker = (bytes: Uint8Array) => Promise<BoundaryFileCheck>;

/** Far above what the file limits allow (at most about 40 s of turf's check on this machine's core). */
const CHECK_TIMEOUT_MS = 90_000;

/**
 * The check in a worker thread: turf's validity test costs the square of a ring's size, and seconds on the event loop
 * would stall every MQTT acknowledgement and HTTP answer of the hub. A worker per upload (uploads are rare, a worker
 * starts in tens of milliseconds) keeps the broker serving meanwhile. Run from TypeScript (no compiled worker beside
 * it, as under ts-jest) the check runs in place.
 */
export function workerBoundaryFileChecker(timeoutMs = CHECK_TIMEOUT_MS): BoundaryFileChecker {
  const script = join(__dirname, 'boundary-file.worker.js');
  if (!existsSync(script)) return (bytes) => Promise.resolve(checkBoundaryFile(bytes));
  return (bytes) =>
    new Promise<BoundaryFileCheck>((resolve, reject) => {
      const worker = new Worker(script, { workerData: bytes });
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new InvalidInputError('area boundaries', [{ field: 'body', problem: `took longer than ${timeoutMs / 1000} s to check: simplify the boundaries (e.g. mapshaper -simplify)` }]));
      }, timeoutMs);
      worker.once('message', (check: BoundaryFileCheck) => {
        clearTimeout(timer);
        resolve(check);
        void worker.terminate();
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
}
