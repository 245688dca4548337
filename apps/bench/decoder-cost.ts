import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_CATALOGUE, BUILT_IN_DOMAIN_DESCRIPTIONS, BUILT_IN_DOMAINS, type MetricSpec, MetricCatalogue, validateTelemetry, type ValidationLimits } from '@hub/contract';
import { isRefusal } from '@hub/decoders';
import { decodedPayload, type DeviceProfile, ProfileBook } from '@hub/profiles';
import { repoRoot } from '@hub/test-harness';

/** One way in, measured: how many messages one core turns into accepted readings per second, and the cost of one. */
export interface DecoderCostRun {
  readonly name: string;
  readonly messages: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly microsPerMessage: number;
  /** µs per message over the plain contract's: what the decoder multiplies the in-process cost of a message by. */
  readonly costToContract: number;
}

export interface DecoderCostResult {
  readonly settings: { readonly secondsPerRun: number; readonly rounds: number; readonly distinctPayloads: number };
  readonly contract: DecoderCostRun;
  readonly mapping: DecoderCostRun;
  readonly script: DecoderCostRun;
  /** The ProfileBook's own mean decode time (the figure the console's profile list shows), µs. */
  readonly bookMeanMicros: { readonly mapping: number | null; readonly script: number | null };
  /** Resident set of this process over the phase, MB: start (decoders built), peak, end; growth = end − start. */
  readonly rssMb: { readonly start: number; readonly peak: number; readonly end: number; readonly growth: number };
}

// The service's defaults (libs/config hub-config.ts): the decoders' readings pass the same validation as devices' JSON.
const LIMITS: ValidationLimits = { maxPayloadBytes: 256 * 1024, maxBatchReadings: 1000, maxAgeMs: 7 * 86_400_000, maxFutureMs: 5 * 60_000 };
const ADDRESS = { domain: 'water', deviceId: 'bench-meter-1' };
// Distinct payloads cycled through, so no path measures one cached parse.
const DISTINCT = 256;
const WARM_UP_MESSAGES = 2000;

/** The water catalogue with what the fixture meter reports besides flow, as an admin would add it (POST …/metrics). */
function meterCatalogue(): MetricCatalogue {
  const extra: Record<string, MetricSpec> = {
    volume_m3: { unit: 'm³', description: 'Register volume', range: [0, 10_000_000], typical: [0, 1_000_000] },
    battery_v: { unit: 'V', description: 'Battery voltage', range: [0, 5], typical: [3.0, 3.7] },
    temperature_c: { unit: '°C', description: 'Water temperature', range: [-40, 100], typical: [2, 25] },
  };
  return new MetricCatalogue(
    new Map(
      BUILT_IN_DOMAINS.map((domain) => {
        const metrics = Object.entries({ ...BUILT_IN_CATALOGUE[domain], ...(domain === 'water' ? extra : {}) });
        return [domain, { description: BUILT_IN_DOMAIN_DESCRIPTIONS[domain], builtIn: true, metrics: new Map(metrics) }];
      }),
    ),
  );
}

function profile(id: string, decoder: DeviceProfile['decoder']): DeviceProfile {
  return { id, name: id, description: '', domain: 'water', decoder, networkServerObject: false, samples: [], version: 1, createdAt: 0, createdBy: 'bench', updatedAt: 0, updatedBy: 'bench' };
}

/** The 11-byte frame of libs/decoders/src/fixtures/water-meter.codec.js. */
function meterFrame(index: number): Uint8Array {
  const frame = Buffer.alloc(11);
  frame[0] = 0x01;
  frame.writeUInt32BE(1_000_000 + index * 37, 1);
  frame.writeUInt16BE(2000 + index, 5); // 20.00 m³/h + …
  frame.writeUInt16BE(3600, 7);
  frame[9] = index % 16 === 0 ? 0x08 : 0;
  frame.writeInt8(10 + (index % 8), 10);
  return frame;
}

/**
 * `npm run bench -- --only decoder`: the in-process cost of a message through each way in, side by side in one
 * process on one core, no network — (1) the hub's JSON contract alone, (2) a vendor JSON through a JSONata mapping
 * then the contract, (3) an 11-byte LoRaWAN frame through the QuickJS codec (the water-meter fixture) then the
 * contract. Decoders run through ProfileBook.decoderFor(…).decode, so what is measured is the cached compiled
 * decoder ingest uses. Paths take turns for `rounds` rounds; each path's fastest round is kept (a neighbour's burst
 * on a shared machine only ever slows a round down).
 */
export async function measureDecoderCost(secondsPerRun: number, rounds: number): Promise<DecoderCostResult> {
  const catalogue = meterCatalogue();
  const book = new ProfileBook();
  const codec = readFileSync(join(repoRoot(), 'libs/decoders/src/fixtures/water-meter.codec.js'), 'utf8');
  book.load([
    profile('bench-mapping', {
      kind: 'mapping',
      metrics: { pressure_kpa: { expr: 'P1', scale: 0.1 }, flow_m3h: { expr: 'F', unit: { from: 'L/s', to: 'm³/h' } } },
      timestamp: { expr: 'T', format: 'epoch-s' },
      seq: 'N',
    }),
    profile('bench-script', {
      kind: 'script',
      source: codec,
      // The codec's data also holds an alarms object; the mapping takes the numbers, as an admin's profile would.
      mapping: { metrics: { volume_m3: { expr: 'volume_l', scale: 0.001 }, flow_m3h: { expr: 'flow_m3h' }, battery_v: { expr: 'battery_v' }, temperature_c: { expr: 'temperature_c' } } },
    }),
  ]);
  const mapping = book.decoderFor('bench-mapping');
  const script = book.decoderFor('bench-script');
  if (mapping === undefined || script === undefined) throw new Error('bench profiles not loaded');

  const nowSeconds = Math.floor(Date.now() / 1000);
  const contractPayloads = Array.from({ length: DISTINCT }, (_, index) =>
    Buffer.from(JSON.stringify({ ts: (nowSeconds - 60) * 1000 + index, seq: index, metrics: { pressure_kpa: 400 + index / 10, flow_m3h: 20 + index } })),
  );
  const vendorPayloads = Array.from({ length: DISTINCT }, (_, index) => Buffer.from(JSON.stringify({ P1: 4000 + index, F: 2.5 + index / 100, T: nowSeconds - 60 - index, N: index })));
  const frames = Array.from({ length: DISTINCT }, (_, index) => meterFrame(index));

  const accept = (payload: Uint8Array, now: number): void => {
    const result = validateTelemetry(ADDRESS, payload, now, LIMITS, catalogue);
    // A refused message would measure the refusal path: the bench checks that every one is stored whole.
    if (result.rejections.length > 0 || result.readings.length !== 1) throw new Error(`bench payload refused: ${JSON.stringify(result.rejections)}`);
  };
  const paths: Record<'contract' | 'mapping' | 'script', (index: number, now: number) => Promise<void> | void> = {
    contract: (index, now) => accept(contractPayloads[index % DISTINCT], now),
    mapping: async (index, now) => {
      const outcome = await mapping.decode({ bytes: vendorPayloads[index % DISTINCT], receivedAt: new Date(now) });
      if (isRefusal(outcome)) throw new Error(`mapping refused: ${outcome.reason} ${outcome.detail}`);
      accept(decodedPayload(outcome.readings, now), now);
    },
    script: async (index, now) => {
      const outcome = await script.decode({ bytes: frames[index % DISTINCT], fPort: 2, receivedAt: new Date(now) });
      if (isRefusal(outcome)) throw new Error(`codec refused: ${outcome.reason} ${outcome.detail}`);
      accept(decodedPayload(outcome.readings, now), now);
    },
  };

  // Builds the decoders (first decode) and lets V8 optimise each path before anything is timed.
  for (const run of Object.values(paths)) for (let index = 0; index < WARM_UP_MESSAGES; index++) await run(index, Date.now());
  global.gc?.();
  const rss = { start: process.memoryUsage.rss(), peak: process.memoryUsage.rss() };

  const best: Partial<Record<keyof typeof paths, { messages: number; seconds: number }>> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(paths) as Array<[keyof typeof paths, (typeof paths)[keyof typeof paths]]>) {
      const now = Date.now();
      const started = process.hrtime.bigint();
      const until = started + BigInt(Math.round(secondsPerRun * 1e9));
      let messages = 0;
      let clock = started;
      while (clock < until) {
        // Check the clock once per 100 messages: a hrtime call costs about as much as a small decode.
        for (let batch = 0; batch < 100; batch++) await run(messages++, now);
        clock = process.hrtime.bigint();
        if (messages % 5000 === 0) rss.peak = Math.max(rss.peak, process.memoryUsage.rss());
      }
      const seconds = Number(clock - started) / 1e9;
      const previous = best[name];
      if (previous === undefined || messages / seconds > previous.messages / previous.seconds) best[name] = { messages, seconds };
    }
  }
  const end = process.memoryUsage.rss();
  rss.peak = Math.max(rss.peak, end);

  const contractMicros = micros(best.contract);
  const runOf = (name: keyof typeof paths): DecoderCostRun => {
    const measured = best[name] as { messages: number; seconds: number };
    const perMessage = micros(measured);
    return {
      name,
      messages: measured.messages,
      seconds: round3(measured.seconds),
      messagesPerSecond: Math.round(measured.messages / measured.seconds),
      microsPerMessage: round3(perMessage),
      costToContract: round3(perMessage / contractMicros),
    };
  };
  const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    settings: { secondsPerRun, rounds, distinctPayloads: DISTINCT },
    contract: runOf('contract'),
    mapping: runOf('mapping'),
    script: runOf('script'),
    bookMeanMicros: { mapping: book.statsOf('bench-mapping').meanMicros, script: book.statsOf('bench-script').meanMicros },
    rssMb: { start: mb(rss.start), peak: mb(rss.peak), end: mb(end), growth: mb(end - rss.start) },
  };
}

function micros(run: { messages: number; seconds: number } | undefined): number {
  if (run === undefined || run.messages === 0) throw new Error('a decoder-cost run measured nothing');
  return (run.seconds * 1e6) / run.messages;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** The summary's lines: each way in with messages/s, µs per message and its cost over the contract's. */
export function formatDecoderCost(result: DecoderCostResult): string[] {
  const line = (label: string, run: DecoderCostRun, note: string): string =>
    `${label}${String(run.messagesPerSecond.toLocaleString('en-US')).padStart(9)} msgs/s   ${run.microsPerMessage.toFixed(1).padStart(6)} µs/msg  ×${run.costToContract.toFixed(1)} the contract's  ${note}`;
  return [
    `Decoder cost     in-process, one core, no network; ${result.settings.rounds} rounds of ${result.settings.secondsPerRun} s per way in, best round kept:`,
    line('  contract JSON  ', result.contract, 'validateTelemetry alone'),
    line('  JSONata mapping', result.mapping, `vendor JSON → mapping → contract (ProfileBook mean decode ${result.bookMeanMicros.mapping ?? '?'} µs)`),
    line('  QuickJS codec  ', result.script, `11-byte frame → water-meter codec + mapping → contract (ProfileBook mean decode ${result.bookMeanMicros.script ?? '?'} µs)`),
    `                 RSS ${result.rssMb.start} MB at the start (decoders built), peak ${result.rssMb.peak} MB, end ${result.rssMb.end} MB: growth ${result.rssMb.growth} MB`,
  ];
}
