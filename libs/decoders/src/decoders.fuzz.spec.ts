import { mulberry32, Random } from '@hub/common';
import { createDecoder } from './decoder-factory';
import { PayloadDecoder } from './decoder';
import { adaptChirpStackEvent } from './network-servers/chirpstack-v4.adapter';
import { adaptThingsStackMessage } from './network-servers/things-stack-v3.adapter';

// Change the seed to explore; a failure prints the seed and the input so it can be replayed.
const SEED = 0x15dec0de;
const ROUNDS = 150;

function randomBytes(random: Random, max: number): Buffer {
  return Buffer.from(Array.from({ length: Math.floor(random() * max) }, () => Math.floor(random() * 256)));
}

function randomJson(random: Random, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return Math.floor(random() * 2 ** 33) - 2 ** 32;
    case 3: return random() * 1e6;
    case 4: return ['', 'AQID', 'zz', '0101010101010101', '2026-12-05 14:30:15', '2026-12-05T06:30:15Z', '0.1kPa', 'bar'][Math.floor(random() * 8)];
    case 5: return randomBytes(random, 8).toString('base64');
    case 6: return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
    default: {
      const keys = ['P1', 'unit', 'time', 'n', 'deviceInfo', 'devEui', 'fPort', 'fCnt', 'data', 'object', 'uplink_message', 'end_device_ids', 'dev_eui', 'frm_payload', 'f_port'];
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [keys[Math.floor(random() * keys.length)]!, randomJson(random, depth + 1)]));
    }
  }
}

function isOutcome(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if ('reason' in value) return typeof (value as { detail?: unknown }).detail === 'string';
  const { readings } = value as { readings?: unknown };
  return Array.isArray(readings) && readings.every((r) => Object.values((r as { metrics: object }).metrics).every((v) => typeof v === 'number'));
}

describe('decoders and adapters under random input', () => {
  const decoders: PayloadDecoder[] = [];
  afterAll(() => decoders.forEach((decoder) => decoder.dispose()));

  it(`never throw and always answer readings or a refusal (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const kinds: PayloadDecoder[] = [
      await createDecoder({
        kind: 'mapping',
        metrics: { pressure_kpa: { expr: 'P1', unit: { fromExpr: 'unit', to: 'kPa' } }, ph: { expr: 'n', scale: 0.1 } },
        timestamp: { expr: 'time', format: 'local', zone: 'Asia/Shanghai' },
        seq: 'fCnt',
      }),
      await createDecoder({
        kind: 'script',
        source: 'function decodeUplink(i) { var b = i.bytes; if (b.length < 2) throw new Error("short"); return { data: { v: (b[0] << 8 | b[1]) / 10, f: b.length } }; }',
      }),
      await createDecoder({ kind: 'script', payload: 'hex', source: 'function decodeUplink(i) { return { data: { n: i.bytes.length } }; }' }),
      await createDecoder({ kind: 'script', payload: 'base64', source: 'function decodeUplink(i) { return { data: i.bytes.length ? { n: i.bytes[0] } : {} }; }' }),
    ];
    decoders.push(...kinds);
    const arrivedAt = new Date('2026-12-05T08:00:00Z');
    for (let round = 0; round < ROUNDS; round++) {
      const json = randomJson(random);
      const raw = random() < 0.5 ? randomBytes(random, 40) : Buffer.from(JSON.stringify(json) ?? 'null');
      const input = { bytes: raw, receivedAt: arrivedAt, fPort: Math.floor(random() * 256), ...(random() < 0.3 ? { json } : {}) };
      for (const decoder of kinds) {
        const outcome = await decoder.decode(input).catch((error: unknown) => ({ threw: String(error) }));
        if (!isOutcome(outcome)) throw new Error(`seed ${SEED} round ${round}: ${JSON.stringify(outcome)} for ${raw.toString('hex')}`);
      }
      for (const adapted of [
        adaptChirpStackEvent(raw, { arrivedAt, ...(random() < 0.5 ? { eventType: 'up' } : {}) }),
        adaptThingsStackMessage(raw, { arrivedAt }),
      ]) {
        expect(['uplink', 'not-uplink', 'refused']).toContain(adapted.kind);
      }
    }
  });
});
