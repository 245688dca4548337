/**
 * The WM-11 LoRaWAN water-meter frame, encoded as the meter sends it: the inverse of the codec in
 * libs/decoders/src/fixtures/water-meter.codec.js (11 bytes on fPort 2, big-endian):
 *   0 frame type 0x01 · 1-4 register volume, litres, uint32 · 5-6 flow, 0.01 m³/h, uint16 · 7-8 battery, mV, uint16 ·
 *   9 alarm flags (bit 0 leak, 1 burst, 2 tamper, 3 low battery) · 10 water temperature, °C, int8.
 *
 * Of the codec's output only `flow_m3h` is a metric of the built-in water catalogue (same name, same unit m³/h), so a
 * profile maps `flow_m3h → flow_m3h`; volume, battery, alarms and temperature have no built-in water metric.
 */
export const WATER_METER_F_PORT = 2;
export const WATER_METER_FRAME_TYPE = 0x01;
export const WATER_METER_FRAME_LENGTH = 11;
/** The largest flow the uint16 of 0.01 m³/h holds. */
export const WATER_METER_MAX_FLOW_M3H = 655.35;

export interface WaterMeterAlarms {
  readonly leak: boolean;
  readonly burst: boolean;
  readonly tamper: boolean;
  readonly lowBattery: boolean;
}

export interface WaterMeterFields {
  /** Register, whole litres, 0 … 2³²−1 (the register rolls over as a mechanical one does). */
  readonly volumeL: number;
  /** m³/h, 0 … 655.35; sent in steps of 0.01. */
  readonly flowM3h: number;
  /** Battery voltage, whole mV, 0 … 65535. */
  readonly batteryMv: number;
  readonly alarms: WaterMeterAlarms;
  /** Whole °C, −128 … 127. */
  readonly temperatureC: number;
}

export const NO_ALARMS: WaterMeterAlarms = { leak: false, burst: false, tamper: false, lowBattery: false };

export class FrameEncodingError extends RangeError {
  constructor(field: string, value: number, allowed: string) {
    super(`Cannot encode ${field}=${value} in the water-meter frame: ${allowed}`);
    this.name = 'FrameEncodingError';
  }
}

/** The frame's 11 bytes. Throws FrameEncodingError for a value the frame cannot carry, rather than wrapping it. */
export function encodeWaterMeterFrame(fields: WaterMeterFields): Uint8Array {
  const flow = Math.round(fields.flowM3h * 100);
  checkWhole('volumeL', fields.volumeL, 0, 0xffff_ffff);
  if (!Number.isFinite(fields.flowM3h) || flow < 0 || flow > 0xffff) {
    throw new FrameEncodingError('flowM3h', fields.flowM3h, `0 to ${WATER_METER_MAX_FLOW_M3H} m³/h`);
  }
  checkWhole('batteryMv', fields.batteryMv, 0, 0xffff);
  checkWhole('temperatureC', fields.temperatureC, -128, 127);
  const frame = new Uint8Array(WATER_METER_FRAME_LENGTH);
  const view = new DataView(frame.buffer);
  view.setUint8(0, WATER_METER_FRAME_TYPE);
  view.setUint32(1, fields.volumeL);
  view.setUint16(5, flow);
  view.setUint16(7, fields.batteryMv);
  const { leak, burst, tamper, lowBattery } = fields.alarms;
  view.setUint8(9, (leak ? 1 : 0) | (burst ? 2 : 0) | (tamper ? 4 : 0) | (lowBattery ? 8 : 0));
  view.setInt8(10, fields.temperatureC);
  return frame;
}

/** The flow the codec gives back for `flowM3h` (its `getUint16(5) / 100`): what the hub stores. */
export function flowAsDecoded(flowM3h: number): number {
  return Math.round(flowM3h * 100) / 100;
}

function checkWhole(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new FrameEncodingError(field, value, `a whole number from ${min} to ${max}`);
}
