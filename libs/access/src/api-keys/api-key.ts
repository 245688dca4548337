import { createHash, randomBytes } from 'node:crypto';
import type { AccessScope, Role } from '../access-scope';

/**
 * API keys look like `cshub_` + 43 characters of base64url (32 random bytes, 256 bits): recognisable in a config
 * file or a leaked log (and by secret scanners), unguessable. Only the SHA-256 is stored — a fast hash is enough for
 * 256 random bits, and lets every request find its key with one indexed lookup.
 */
export const API_KEY_PREFIX = 'cshub_';
const API_KEY_PATTERN = /^cshub_[A-Za-z0-9_-]{43}$/;
/** Characters kept for display (`cshub_Ab3dEf…`): enough to tell keys apart, far too few to guess the rest. */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 6;

export function newApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether `value` has the shape of one of our keys (anything else is not looked up). */
export function isApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, DISPLAY_LENGTH);
}

/** Key names: like usernames. The audit log names the key as `key:<name>`. */
export const API_KEY_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function apiKeyActor(name: string): string {
  return `key:${name}`;
}

export interface ApiKey {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly prefix: string;
  readonly role: Role;
  readonly scope: AccessScope;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
}
