import type { AccessScope, Role } from '../access-scope';

/** A person who logs in to the console or the API. */
export interface Operator {
  readonly username: string;
  readonly role: Role;
  readonly scope: AccessScope;
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
}

/** The stored row, hash included: never leaves the access lib. */
export interface StoredOperator extends Operator {
  readonly passwordHash: string;
}

/**
 * Lower-case letters, digits, `.`, `_`, `-`; starting with a letter or digit. No `:` so that an operator can never be
 * mistaken for an API key (`key:<name>`) in the audit log.
 */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const USERNAME_TEXT = 'lower-case letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64';

/** Names the hub itself uses as actors: an operator with one of them would read as the hub in every history. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set(['system', 'bootstrap-key', 'anonymous', 'hub']);

/** The `admin` operator made on the very first start. */
export const INITIAL_ADMIN = 'admin';
