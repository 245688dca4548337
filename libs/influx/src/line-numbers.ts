const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
const MAX_DECIMALS = 6;
/** Below this, |v|·10^6 < 2^50: doubles there are far closer together than 10^-6, so each has one 6-decimal form. */
const FAST_MAGNITUDE_LIMIT = 1e9;
const FAST_MAGNITUDE_FLOOR = 1e-3;

/**
 * A float field value: exactly what String(value) gives — the shortest decimal that reads back as the same double,
 * which InfluxDB parses as that float — but built about twice as fast for what sensors send (a few decimals,
 * magnitude under 1e9). V8 formats a non-integer double in ~250 ns (measured here), and a reading carries 3–5.
 * The fewest decimals k for which round(|v|·10^k) / 10^k === |v| is the shortest form: that decimal parses back to
 * v (the division is correctly rounded, as parsing is), and in this range no other decimal of k digits does.
 * Everything else (integers, |v| < 0.001, |v| ≥ 1e9, more than 6 decimals, -0) goes to String().
 */
export function formatFloat(value: number): string {
  const magnitude = value < 0 ? -value : value;
  if (magnitude >= FAST_MAGNITUDE_FLOOR && magnitude < FAST_MAGNITUDE_LIMIT && !Number.isInteger(magnitude)) {
    for (let decimals = 1; decimals <= MAX_DECIMALS; decimals++) {
      const scaled = Math.round(magnitude * POWERS_OF_TEN[decimals]);
      if (scaled / POWERS_OF_TEN[decimals] !== magnitude) continue;
      const digits = String(scaled);
      const point = digits.length - decimals;
      const text = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
      return value < 0 ? `-${text}` : text;
    }
  }
  return String(value);
}

const MILLION = 1_000_000;
const SIX_ZEROS = '000000';

/**
 * Epoch milliseconds as decimal digits, as String(ms) gives them. A 13-digit integer is not a small integer to V8
 * and takes ~200 ns to format; as two small integers (the upper one the same for 16 minutes, so V8's number-string
 * cache has it) it takes a third of that.
 */
export function formatTimestamp(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < MILLION) return String(ms);
  const upper = Math.floor(ms / MILLION);
  const lower = String(ms - upper * MILLION);
  return `${upper}${SIX_ZEROS.slice(lower.length)}${lower}`;
}
