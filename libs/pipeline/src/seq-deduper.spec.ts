import { Reading } from '@hub/contract';
import { SeqDeduper } from './seq-deduper';

const reading = (deviceId: string, seq: number | undefined, ts?: number): Reading => ({
  domain: 'water',
  deviceId,
  ts: ts ?? 5_000,
  tsFromDevice: ts !== undefined,
  seq,
  metrics: { ph: 7 },
});

describe('SeqDeduper', () => {
  let clock: number;
  let deduper: SeqDeduper;
  beforeEach(() => {
    clock = 1_000_000;
    deduper = new SeqDeduper(60_000, () => clock);
  });

  it('drops the same seq and ts from the same device within the window', () => {
    expect(deduper.isResend(reading('w-1', 7, 100))).toBe(false);
    expect(deduper.isResend(reading('w-1', 7, 100))).toBe(true);
    expect(deduper.isResend(reading('w-2', 7, 100))).toBe(false);
  });

  it('keeps a reading with the same seq but another ts: a device that restarted its counter loses nothing', () => {
    expect(deduper.isResend(reading('w-1', 0, 100))).toBe(false);
    expect(deduper.isResend(reading('w-1', 0, 200))).toBe(false);
  });

  it('drops a resend without ts by seq alone', () => {
    expect(deduper.isResend(reading('w-1', 3))).toBe(false);
    expect(deduper.isResend(reading('w-1', 3))).toBe(true);
    expect(deduper.isResend(reading('w-1', 3, 100))).toBe(false);
  });

  it('forgets after the window', () => {
    expect(deduper.isResend(reading('w-1', 7, 100))).toBe(false);
    clock += 60_001;
    expect(deduper.isResend(reading('w-1', 7, 100))).toBe(false);
  });

  it('never drops readings without seq, and drops nothing when the window is 0', () => {
    expect(deduper.isResend(reading('w-1', undefined, 100))).toBe(false);
    expect(deduper.isResend(reading('w-1', undefined, 100))).toBe(false);
    const off = new SeqDeduper(0, () => clock);
    expect(off.isResend(reading('w-1', 1, 100))).toBe(false);
    expect(off.isResend(reading('w-1', 1, 100))).toBe(false);
  });

  it('remembers the last 128 readings of a device', () => {
    for (let seq = 0; seq < 129; seq++) expect(deduper.isResend(reading('w-1', seq, seq))).toBe(false);
    expect(deduper.isResend(reading('w-1', 0, 0))).toBe(false);
    expect(deduper.isResend(reading('w-1', 128, 128))).toBe(true);
  });

  it('keeps only as many pairs as fall in the window: a device reporting every 10 s with a 60 s window', () => {
    for (let seq = 0; seq < 100; seq++) {
      expect(deduper.isResend(reading('w-1', seq, seq * 10_000))).toBe(false);
      clock += 10_000;
    }
    // 6 or 7 pairs are within 60 s; the ring grew from 4 to 8 and no further.
    expect(deduper.rememberedFor('w-1')).toBe(8);
    expect(deduper.isResend(reading('w-1', 99, 990_000))).toBe(true);
    expect(deduper.isResend(reading('w-1', 94, 940_000))).toBe(true);
    expect(deduper.isResend(reading('w-1', 93, 930_000))).toBe(false);
  });

  it('finds every remembered pair wherever the ring wrapped before it grew', () => {
    // Four pairs fill the first ring; the fifth... twelfth wrap it and make it grow twice, all within the window.
    for (let seq = 0; seq < 12; seq++) {
      clock += 1_000;
      expect(deduper.isResend(reading('w-1', seq, seq))).toBe(false);
      for (let earlier = 0; earlier <= seq; earlier++) expect(deduper.isResend(reading('w-1', earlier, earlier))).toBe(true);
    }
    expect(deduper.rememberedFor('w-1')).toBe(12);
  });
});
