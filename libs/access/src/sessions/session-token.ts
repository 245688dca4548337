import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 256 bits, unguessable. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only the token's SHA-256 is stored: a copy of the database does not let anyone into a live session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isSessionTokenShape(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
