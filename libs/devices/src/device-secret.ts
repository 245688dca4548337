import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: 256 bits, far beyond any guessing, offline or online. */
const SECRET_BYTES = 32;
const HASH_PREFIX = 'sha256:';

/** A new device secret, base64url (43 characters, safe in MQTT passwords, CSV cells and shell variables). */
export function generateDeviceSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * What is stored instead of the secret. One unsalted SHA-256 is the right tool here: the secrets are 256-bit random
 * values, so there is no dictionary to precompute and nothing for salting or stretching (scrypt, bcrypt) to protect —
 * those exist for human passwords with little entropy. A fast hash also keeps a CONNECT storm (every device of a
 * town reconnecting after a power cut) cheap.
 */
export function hashDeviceSecret(secret: string | Buffer): string {
  return `${HASH_PREFIX}${digest(secret).toString('base64url')}`;
}

/** Constant-time check of a presented secret against a stored hash; false for a missing or malformed hash. */
export function deviceSecretMatches(presented: string | Buffer | undefined, storedHash: string | null): boolean {
  // Hash even when there is nothing to compare with, so an unknown device costs the same time as a wrong secret.
  const candidate = digest(presented ?? '');
  if (storedHash === null || !storedHash.startsWith(HASH_PREFIX)) return false;
  const stored = Buffer.from(storedHash.slice(HASH_PREFIX.length), 'base64url');
  return stored.length === candidate.length && timingSafeEqual(stored, candidate);
}

function digest(secret: string | Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}
