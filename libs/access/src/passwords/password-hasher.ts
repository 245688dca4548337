import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost parameters: N = 2^logN (CPU and memory), r (block size), p (parallelisation). */
export interface ScryptParams {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/**
 * OWASP Password Storage Cheat Sheet: scrypt with N=2^15, r=8, p=3 is one of its equal-strength minimums; of those it
 * needs the least memory but one (32 MiB per hash, vs 128 MiB for N=2^17). Measured on the 2-vCPU test machine, busy:
 * about 450 ms per hash. Logins are rare; a stolen database costs an attacker the same per guess.
 */
export const CURRENT_SCRYPT: ScryptParams = { logN: 15, r: 8, p: 3 };

/**
 * A hash of a random password nobody knows, at today's parameters: an unknown username is checked against it, so
 * that answering "no such user" costs exactly as much as a wrong password (fixed here rather than made at start, so
 * the first such login is not the one that takes twice as long). Must be remade when CURRENT_SCRYPT changes (a test
 * says so).
 */
export const UNKNOWN_USER_HASH = 'scrypt$ln=15,r=8,p=3$Na1ozeoMjUP6iJWxUG0hXw==$hoRZH+GuUrSiWaeXKIpb3IUBoV0VQ+W8YngijIrX2+w=';

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * Hashes and checks passwords with scrypt (node:crypto), a random salt per password. The parameters are stored with
 * each hash (`scrypt$ln=15,r=8,p=3$<salt>$<key>`, PHC-like), so they can be raised later: an old hash still verifies,
 * and `needsRehash` tells the caller to store a new one at the next successful login.
 *
 * Hashing runs on libuv's thread pool, which also does the outage spool's fsyncs; at most `concurrency` hashes run at
 * once so logins can never take every thread (a burst of login attempts waits here instead).
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly params: ScryptParams = CURRENT_SCRYPT,
    private readonly concurrency = 1,
    /** A hash at `params` of a password nobody knows (UNKNOWN_USER_HASH for today's parameters). */
    private readonly unknownUserHash = UNKNOWN_USER_HASH,
  ) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await this.derive(password, salt, this.params, KEY_BYTES);
    const { logN, r, p } = this.params;
    return `scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** True when `password` matches `stored`; false for a wrong password and for a stored value that is not a hash of ours. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseHash(stored);
    if (parsed === undefined) return false;
    const key = await this.derive(password, parsed.salt, parsed.params, parsed.key.length);
    return timingSafeEqual(key, parsed.key);
  }

  /** The same work as verifying a real operator's password, for a username that is none; always false. */
  async verifyUnknownUser(password: string): Promise<false> {
    await this.verify(password, this.unknownUserHash);
    return false;
  }

  /** Whether `stored` was made with weaker parameters than today's (or is not ours): rehash after a successful login. */
  needsRehash(stored: string): boolean {
    const parsed = parseHash(stored);
    if (parsed === undefined) return true;
    const { logN, r, p } = parsed.params;
    return logN < this.params.logN || r < this.params.r || p < this.params.p || parsed.key.length < KEY_BYTES;
  }

  private async derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
    await this.acquire();
    try {
      const N = 2 ** params.logN;
      // scrypt needs 128·N·r bytes; node refuses above maxmem (32 MiB by default, exactly this size), so leave room.
      const maxmem = 256 * N * params.r;
      return await new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, length, { N, r: params.r, p: params.p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
      );
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const match = FORMAT.exec(stored);
  if (match === null) return undefined;
  const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  // Bounds keep a tampered row from asking for terabytes or hours.
  if (params.logN < 10 || params.logN > 22 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return undefined;
  const salt = Buffer.from(match[4], 'base64');
  const key = Buffer.from(match[5], 'base64');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return undefined;
  return { params, salt, key };
}
