/**
 * Seeded pseudo-random numbers so that a simulator run can be replayed exactly: same seed, same readings.
 * mulberry32 is tiny, fast and statistically good enough for test data (not for anything secret).
 */
export type Random = () => number;

/** A generator of floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed derived from the run seed and a key (a device id), so each device has its own stream:
 * a device's readings do not change when the fleet grows or connections open in a different order.
 */
export function deriveSeed(seed: number, key: string): number {
  // FNV-1a over the key, mixed with the run seed.
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Roughly normal noise in [-1, 1] (mean of three uniforms, rescaled): bounded, so it can never run away. */
export function boundedNoise(random: Random): number {
  return ((random() + random() + random()) / 3) * 2 - 1;
}
