import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { DeviceSimulator, readCredentialsCsv } from '@hub/devices-sim';
import { FromChild } from './load-protocol';

/**
 * The connection-scale fleet, a child process: the simulator library (one MQTT.js client per device, a last will,
 * "online" on connect, a reading every interval) — realistic devices rather than the lean generator, since the rate
 * is low. Argument: JSON of ScaleFleetJob. Protocol over IPC: connected → result (the simulator's report).
 */
export interface ScaleFleetJob {
  readonly url: string;
  readonly devicesPerDomain: number;
  readonly intervalMs: number;
  /** How long the fleet publishes once every device is connected. */
  readonly publishMs: number;
  /** CSV of device_id,secret (see provision-fleet.ts). */
  readonly credentialsFile: string;
}

const send = (message: FromChild): Promise<void> =>
  new Promise((resolve) => (process.send && process.connected ? process.send(message, undefined, {}, () => resolve()) : resolve()));

async function main(job: ScaleFleetJob): Promise<void> {
  const simulator = new DeviceSimulator({
    url: job.url,
    devicesPerDomain: job.devicesPerDomain,
    idPrefix: 'scale-',
    intervalMs: job.intervalMs,
    qos: 1,
    withSeq: true,
    connectConcurrency: 100,
    // A connection that drops is a finding, not something to paper over with reconnects.
    reconnectPeriodMs: 0,
    credentials: readCredentialsCsv(readFileSync(job.credentialsFile, 'utf8')),
  });
  process.on('disconnect', () => void simulator.stop().finally(() => process.exit(0)));
  const started = performance.now();
  await simulator.start();
  await send({ type: 'connected', connections: simulator.report().devices.connected, connectMs: performance.now() - started });
  await new Promise((resolve) => setTimeout(resolve, job.publishMs));
  const report = await simulator.stop();
  await send({ type: 'result', result: report });
}

main(JSON.parse(process.argv[2] ?? '{}') as ScaleFleetJob).then(
  () => process.exit(0),
  (error: unknown) => void send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }).finally(() => process.exit(1)),
);
