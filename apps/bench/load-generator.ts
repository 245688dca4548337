import { runHttpLoad } from './http-load';
import { runLineLoad } from './line-load';
import { FromChild, LoadJob, ToChild } from './load-protocol';
import { MqttLoad } from './mqtt-load';

/**
 * The load generator, a child process of the orchestrator (its CPU shows separately, and it shares no event loop
 * with what is measured). Protocol over IPC: job → (mqtt: connected) → go → result. Exits when the orchestrator
 * goes away.
 */
const send = (message: FromChild): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });

let load: MqttLoad | null = null;
let go: (() => void) | null = null;
const started = new Promise<void>((resolve) => (go = resolve));

process.on('disconnect', () => {
  void load?.abort().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 6_000).unref();
});

process.on('message', (message: ToChild) => {
  if (message.type === 'job') {
    run(message.job)
      .then(
        (result) => send({ type: 'result', result }),
        (error: unknown) => send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      )
      .finally(() => process.exit(0));
  } else if (message.type === 'go') {
    go?.();
  } else if (message.type === 'stop') {
    void load?.abort().finally(() => process.exit(0));
  }
});

async function run(job: LoadJob): Promise<unknown> {
  if (job.kind === 'line') {
    await started;
    return runLineLoad(job);
  }
  if (job.kind === 'http') {
    await started;
    return runHttpLoad(job);
  }
  load = new MqttLoad(job, (sample) => void send({ type: 'sample', sample }));
  let connectMs: number;
  try {
    connectMs = await load.connectAll();
  } catch (error) {
    await load.abort();
    throw error;
  }
  await send({ type: 'connected', connections: job.fleet.devices, connectMs });
  await started;
  return { ...(await load.run()), connectMs };
}
