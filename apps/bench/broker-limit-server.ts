import { Aedes } from 'aedes';
import { AddressInfo, createServer } from 'node:net';
import { FromChild, ToChild } from './load-protocol';

/**
 * Aedes alone, as a child process: default options, QoS 1 PUBLISHes delivered to one in-process subscriber on the
 * telemetry topics. Aedes sends the PUBACK once delivery completed, so PUBACKs/s is the broker's own ceiling.
 * Nagle off, as in the service. Protocol over IPC: listening → stop → result.
 */
const send = (message: FromChild): Promise<void> =>
  new Promise((resolve) => (process.send ? process.send(message, undefined, {}, () => resolve()) : resolve()));

async function main(): Promise<void> {
  const broker = await Aedes.createBroker();
  let delivered = 0;
  await new Promise<void>((resolve) =>
    broker.subscribe(
      'sensors/+/+/telemetry',
      (_packet, done) => {
        delivered++;
        done();
      },
      resolve,
    ),
  );
  const server = createServer({ noDelay: true }, (socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (message: ToChild) => {
    if (message.type !== 'stop') return;
    server.close();
    broker.close(() => void send({ type: 'result', result: { delivered } }).finally(() => process.exit(0)));
  });
  process.on('disconnect', () => process.exit(0));
  await send({ type: 'listening', port: (server.address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  void send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }).finally(() => process.exit(1));
});
