import type { DecoderDefinition, MappingDefinition } from '@hub/decoders';
import { RTU_CLOCK_ZONE } from './vendor-payload';

/**
 * The hub device profiles that read what the simulator's vendor devices send: the decoders docs/operations.md
 * shows a county admin, and the ones the unit tests decode the simulator's payloads with, so the two cannot drift.
 */

/**
 * WM-11 water meter behind ChirpStack (script: libs/decoders/src/fixtures/water-meter.codec.js). Its codec gives
 * volume_l, flow_m3h, battery_v, alarms and temperature_c; only flow_m3h is a metric of the built-in water catalogue.
 */
export const WATER_METER_MAPPING: MappingDefinition = { metrics: { flow_m3h: { expr: 'flow_m3h' } } };

export function waterMeterDecoder(codecSource: string): DecoderDefinition {
  return { kind: 'script', source: codecSource, mapping: WATER_METER_MAPPING };
}

/**
 * The 4G RTU's JSON (--payload-format vendor-json). P1's unit is read from the payload's own `unit` field
 * ("0.1kPa" → kPa, ×0.1), so a logger reconfigured to report kPa keeps decoding right; Q1 is 0.01 L/s: scale 0.01,
 * then L/s → m³/h. (A fixed `scale: 0.1` on P1 would do as well, but never together with the unit: it would scale twice.)
 */
export const RTU_JSON_DECODER: DecoderDefinition = {
  kind: 'mapping',
  metrics: {
    pressure_kpa: { expr: 'P1', unit: { fromExpr: 'unit', to: 'kPa' } },
    flow_m3h: { expr: 'Q1', scale: 0.01, unit: { from: 'L/s', to: 'm³/h' } },
  },
  timestamp: { expr: 'T', format: 'local', zone: RTU_CLOCK_ZONE },
};

/** The PL-9 NB-IoT pressure logger (--payload-format hex; script: devices-sim/src/codecs/pressure-logger.codec.js). */
export const PRESSURE_LOGGER_MAPPING: MappingDefinition = {
  metrics: { pressure_kpa: { expr: 'pressure_kpa' } },
  timestamp: { expr: 'time', format: 'epoch-s' },
};

export function pressureLoggerDecoder(codecSource: string): DecoderDefinition {
  return { kind: 'script', source: codecSource, payload: 'hex', mapping: PRESSURE_LOGGER_MAPPING };
}
