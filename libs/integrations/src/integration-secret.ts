import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Integration client secrets: 32 random bytes (256 bits), shown once, stored as their SHA-256. A slow password hash
 * (scrypt) protects guessable human passwords; a 256-bit random secret cannot be guessed, so one fast hash suffices
 * and CONNECT stays cheap under a login flood.
 */
export function issueSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(Buffer.from(secret, 'utf8')) };
}

export function hashSecret(secret: Buffer): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of what a client presented (the MQTT password) with the stored hash. */
export function secretMatches(presented: Buffer, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(presented).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
