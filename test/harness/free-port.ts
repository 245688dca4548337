import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for the test servers come from below the kernel's ephemeral range, in a slice of their own per jest worker.
 *
 * A port the kernel handed out for `listen(0)` and that was then closed goes back to the ephemeral pool, where any
 * outgoing connection on the machine (a test's MQTT client, the service's InfluxDB writes) may take it as its local
 * port before the test server binds it: CI saw influxd and the service fail with EADDRINUSE that way. Outgoing
 * connections never use a port below `ip_local_port_range`, and each worker counts through its own slice, so a port
 * given here is only ever taken by the server it was given for — or by something that was already listening, which
 * the bind check below skips.
 */
const FIRST_PORT = 10_000;
const SLICE = 2_000;
// Fetch (Node's and Chromium's) refuses to connect to the ports of its "bad ports" list; of those at or above
// FIRST_PORT there is one.
const FETCH_BAD_PORTS = new Set([10_080]);

function ephemeralFloor(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > FIRST_PORT + SLICE ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const floor = ephemeralFloor();
const slices = Math.max(1, Math.floor((floor - FIRST_PORT) / SLICE));
const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? '1') || 1);
const sliceStart = FIRST_PORT + ((worker - 1) % slices) * SLICE;
// A random start, so that a worker started again (or a second jest run beside this one) does not retrace the same ports.
let next = Math.floor(Math.random() * SLICE);

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that no other test server is given and that no outgoing connection can take meanwhile. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries += 1) {
    const port = sliceStart + (next % SLICE);
    next += 1;
    if (!FETCH_BAD_PORTS.has(port) && (await canBind(port))) return port;
  }
  throw new Error(`no free port in ${sliceStart}–${sliceStart + SLICE - 1} (jest worker ${worker})`);
}
