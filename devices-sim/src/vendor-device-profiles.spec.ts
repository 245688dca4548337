import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDecoder, DecoderDefinition } from '@hub/decoders';
import { pressureLoggerDecoder, RTU_JSON_DECODER, WATER_METER_MAPPING, waterMeterDecoder } from './vendor-device-profiles';
import { encodePressureLoggerHex } from './vendor-payload';

const DOCS = readFileSync(path.join(__dirname, '../../docs/operations.md'), 'utf8');
const PRESSURE_LOGGER_CODEC = readFileSync(path.join(__dirname, 'codecs/pressure-logger.codec.js'), 'utf8');

interface DocumentedProfile {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly decoder: DecoderDefinition & { source?: string };
}

/** The profile JSON blocks of docs/operations.md, by id. */
function documentedProfiles(): Map<string, DocumentedProfile> {
  const blocks = [...DOCS.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => match[1]!).filter((block) => block.includes('"decoder"'));
  return new Map(blocks.map((block) => JSON.parse(block) as DocumentedProfile).map((profile) => [profile.id, profile]));
}

describe('the device profiles docs/operations.md gives an admin', () => {
  const profiles = documentedProfiles();

  it('are the simulator\'s own, for the water domain', () => {
    expect([...profiles.keys()].sort()).toEqual(['pl-9', 'rtu-p1q1', 'wm-11']);
    expect([...profiles.values()].every((profile) => profile.domain === 'water')).toBe(true);
    expect(profiles.get('rtu-p1q1')?.decoder).toEqual(RTU_JSON_DECODER);
    const { source: wmSource, ...wm } = profiles.get('wm-11')!.decoder;
    expect(wmSource).toBe('<the text of libs/decoders/src/fixtures/water-meter.codec.js>');
    expect(wm).toEqual({ kind: 'script', mapping: WATER_METER_MAPPING });
    const { source: _plSource, ...pl } = profiles.get('pl-9')!.decoder;
    const { source: _fileSource, ...fromFile } = pressureLoggerDecoder(PRESSURE_LOGGER_CODEC) as DocumentedProfile['decoder'];
    expect(pl).toEqual(fromFile);
    expect(waterMeterDecoder('x')).toEqual({ kind: 'script', source: 'x', mapping: WATER_METER_MAPPING });
  });

  it('inline the PL-9 codec so that it decodes as the codec file does', async () => {
    const documented = await createDecoder(profiles.get('pl-9')!.decoder);
    const fromFile = await createDecoder(pressureLoggerDecoder(PRESSURE_LOGGER_CODEC));
    try {
      const { payload, stored } = encodePressureLoggerHex(Date.UTC(2026, 11, 6, 10), { pressure_kpa: 412.5 });
      expect(payload).toBe('026B153220101D0E10');
      const input = { bytes: Buffer.from(payload), text: payload, receivedAt: new Date() };
      expect(await documented.decode(input)).toEqual({ readings: [stored], warnings: [] });
      expect(await fromFile.decode(input)).toEqual(await documented.decode(input));
      const short = { ...input, bytes: Buffer.from('02'), text: '02' };
      expect(await documented.decode(short)).toEqual(await fromFile.decode(short));
    } finally {
      documented.dispose();
      fromFile.dispose();
    }
  });
});
