/**
 * Node flags the service is started with, in every way it is started: `npm run start:service`, scripts/start.sh,
 * the Docker image and the test/benchmark harness (service-node-flags.spec.ts checks they agree).
 *
 * --max-semi-space-size=8: the young generation at 2 × 8 MiB instead of V8's 2 × 16 MiB. Measured here: 10,000
 * connected devices for 3 minutes peak at 286 MB RSS instead of 303 MB, with no difference in paired runs at full
 * ingest load. It has to be a command-line flag: V8 sizes the young generation when the heap is created.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
