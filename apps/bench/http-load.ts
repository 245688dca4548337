import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { payloadTemplate, planFleet, SEQ_BASE, VALUE_VARIANTS } from './bench-fleet';
import { LatencyHistogram } from './latency-histogram';
import { HttpLoadJob, HttpLoadResult } from './load-protocol';

const MAX_ERRORS_KEPT = 20;
const RETRY_PAUSE_MS = 100;

/**
 * Devices posting over HTTP: one keep-alive connection per device, each posting a JSON array of `readingsPerPost`
 * readings to POST /api/ingest/{domain}/{deviceId} with its secret and waiting for the answer (closed loop), which
 * comes once every reading is durable. Only readings a 200 answered as accepted count; anything else is retried.
 */
export async function runHttpLoad(job: HttpLoadJob): Promise<HttpLoadResult> {
  const devices = planFleet(job.fleet);
  const errors: string[] = [];
  const latency = new LatencyHistogram();
  const acceptedPerSecond: number[] = [];
  let sent = 0;
  let accepted = 0;
  let posts = 0;
  let failedRequests = 0;
  let countedSoFar = 0;
  const started = performance.now();
  const deadline = started + job.durationMs;
  const counter = setInterval(() => {
    acceptedPerSecond.push(accepted - countedSoFar);
    countedSoFar = accepted;
  }, 1000);

  const device = async (index: number): Promise<void> => {
    const { deviceId, domain, variants } = devices[index];
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const path = `/api/ingest/${domain}/${deviceId}`;
    const authorization = `Bearer ${job.credentials[deviceId] ?? ''}`;
    let reading = 0;
    while (performance.now() < deadline) {
      const readings: string[] = [];
      for (let n = 0; n < job.readingsPerPost; n++, reading++) {
        readings.push(payloadTemplate(variants[reading % VALUE_VARIANTS]).replace(/"ts":0+/, `"ts":${job.tsBase + reading}`).replace(/"seq":0+/, `"seq":${SEQ_BASE + reading}`));
      }
      const body = `[${readings.join(',')}]`;
      // Retried until taken (a 503 says nothing was) or the run is over.
      while (performance.now() < deadline) {
        const at = performance.now();
        sent += job.readingsPerPost;
        const outcome = await post(agent, job.port, path, authorization, body);
        if (outcome.status === 200) {
          latency.record(performance.now() - at);
          posts++;
          accepted += outcome.accepted;
          break;
        }
        failedRequests++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(`${outcome.status}: ${outcome.text.slice(0, 200)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
    }
    agent.destroy();
  };
  await Promise.all(devices.map((_, index) => device(index)));
  clearInterval(counter);
  return { kind: 'http', clients: devices.length, posts, sent, accepted, failedRequests, elapsedMs: performance.now() - started, acceptedPerSecond, answerLatency: latency.summary(), errors };
}

function post(agent: Agent, port: number, path: string, authorization: string, body: string): Promise<{ status: number; accepted: number; text: string }> {
  return new Promise((resolve) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let acceptedReadings = 0;
          try {
            acceptedReadings = (JSON.parse(text) as { accepted?: number }).accepted ?? 0;
          } catch {
            // not JSON: counted as a failure below by its status
          }
          resolve({ status: response.statusCode ?? 0, accepted: acceptedReadings, text });
        });
        response.on('error', (error) => resolve({ status: 0, accepted: 0, text: error.message }));
      },
    );
    outgoing.setTimeout(60_000, () => outgoing.destroy(new Error('no answer within 60 s')));
    outgoing.on('error', (error) => resolve({ status: 0, accepted: 0, text: error.message }));
    outgoing.end(body);
  });
}
