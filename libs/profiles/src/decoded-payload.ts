import type { DecodedReading } from '@hub/decoders';

/**
 * A decoder's readings in the contract's payload shape (one object, or an array for several), so that they pass
 * exactly the validation a device's own JSON does: ranges, the domain's catalogue, ts and seq rules, batch limits.
 * A reading without ts takes the event time — the network server's receive time for an uplink, else the hub's — and
 * one without seq takes `seq` when given (a LoRaWAN frame counter), which is what de-duplicates a redelivered uplink.
 */
export function decodedPayload(readings: readonly DecodedReading[], eventTime: number, seq?: number): Uint8Array {
  const entries = readings.map((reading) => ({ ts: reading.ts ?? eventTime, ...(reading.seq !== undefined ? { seq: reading.seq } : seq !== undefined ? { seq } : {}), metrics: reading.metrics }));
  return Buffer.from(JSON.stringify(entries.length === 1 ? entries[0] : entries));
}
