import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { linePrefix, planFleet, VALUE_VARIANTS } from './bench-fleet';
import { LineLoadJob, LineLoadResult } from './load-protocol';

const MAX_ERRORS_KEPT = 20;
const RETRY_PAUSE_MS = 100;

/**
 * The InfluxDB side of the load generator: batched line-protocol POSTs straight to influxd's v1 /write, the same
 * lines the service would write for the same fleet, `concurrency` requests in flight. A refused or failed batch
 * (1.6 answers `500 engine: error syncing wal` under load) is retried and counted; only 204s count as written.
 */
export async function runLineLoad(job: LineLoadJob): Promise<LineLoadResult> {
  const devices = planFleet(job.fleet);
  const prefixes = devices.map((device) => Array.from({ length: VALUE_VARIANTS }, (_, variant) => linePrefix(device, variant)));
  const nextReading = new Array<number>(devices.length).fill(0);
  let cursor = 0;
  const nextBody = (): string => {
    let body = '';
    for (let line = 0; line < job.batchLines; line++) {
      const device = cursor;
      cursor = (cursor + 1) % devices.length;
      const reading = nextReading[device]++;
      body += `${prefixes[device][reading % VALUE_VARIANTS]}${job.tsBase + reading}\n`;
    }
    return body;
  };

  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const path = `/write?${new URLSearchParams({ db: job.database, precision: 'ms' })}`;
  const url = new URL(job.influxUrl);
  const errors: string[] = [];
  let points = 0;
  let batches = 0;
  let failedRequests = 0;
  const pointsPerSecond: number[] = [];
  let countedSoFar = 0;
  const started = performance.now();
  const deadline = started + job.durationMs;
  const counter = setInterval(() => {
    pointsPerSecond.push(points - countedSoFar);
    countedSoFar = points;
  }, 1000);

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const body = nextBody();
      // Retried until written or the run is over; a batch still failing then is simply not counted.
      while (performance.now() < deadline) {
        const outcome = await post(agent, url, path, body);
        if (outcome.status === 204) {
          points += job.batchLines;
          batches++;
          break;
        }
        failedRequests++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(`${outcome.status}: ${outcome.text.slice(0, 200)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  clearInterval(counter);
  agent.destroy();
  return { kind: 'line', points, batches, failedRequests, elapsedMs: performance.now() - started, pointsPerSecond, errors };
}

function post(agent: Agent, url: URL, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', (error) => resolve({ status: 0, text: error.message }));
      },
    );
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error('no answer within 30 s')));
    outgoing.on('error', (error) => resolve({ status: 0, text: error.message }));
    outgoing.end(body);
  });
}
