import { DomainIssue } from '@hub/common';
import type { MetricCatalogue } from '@hub/contract';
import type { AccessScope, Role } from '../access-scope';
import { fullScope, InvalidInputError, JsonInputReader, readRole, readScope } from '../access-input';
import { MAX_PASSWORD_LENGTH, passwordProblem } from '../passwords/password-policy';
import { RESERVED_USERNAMES, USERNAME_PATTERN, USERNAME_TEXT } from './operator';

export interface NewOperatorInput {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly scope: AccessScope;
}

export interface OperatorChangeInput {
  readonly role?: Role;
  readonly towns?: string[];
  readonly domains?: AccessScope['domains'];
  readonly disabled?: boolean;
  /** A new password set by an admin (a reset). */
  readonly password?: string;
}

/** POST /api/operators: `{ username, password, role, towns?, domains? }`. */
export function parseNewOperator(body: unknown, catalogue: MetricCatalogue): NewOperatorInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['username', 'password', 'role', 'towns', 'domains']);
  if (read === undefined) throw new InvalidInputError('operator', issues);
  const username = read.requiredString('username', { maxLength: 64, pattern: USERNAME_PATTERN, patternText: USERNAME_TEXT });
  if (username !== undefined && RESERVED_USERNAMES.has(username)) read.fail('username', `"${username}" is reserved for the hub itself`);
  const password = readPassword(read, 'password', username ?? '');
  const role = readRole(read, true);
  const scope = fullScope(readScope(read, catalogue));
  if (issues.length > 0 || username === undefined || password === undefined || role === undefined) throw new InvalidInputError('operator', issues);
  return { username, password, role, scope };
}

/** PATCH /api/operators/:username: any of role, towns, domains, disabled, password. */
export function parseOperatorChange(body: unknown, username: string, catalogue: MetricCatalogue): OperatorChangeInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['role', 'towns', 'domains', 'disabled', 'password']);
  if (read === undefined) throw new InvalidInputError('operator change', issues);
  const role = readRole(read, false);
  const scope = readScope(read, catalogue);
  const disabled = read.boolean('disabled');
  const password = read.has('password') ? readPassword(read, 'password', username) : undefined;
  if (issues.length > 0) throw new InvalidInputError('operator change', issues);
  return { ...(role === undefined ? {} : { role }), ...scope, ...(disabled === undefined ? {} : { disabled }), ...(password === undefined ? {} : { password }) };
}

/** POST /api/auth/password: `{ currentPassword, newPassword }`. */
export function parsePasswordChange(body: unknown, username: string): { currentPassword: string; newPassword: string } {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['currentPassword', 'newPassword']);
  if (read === undefined) throw new InvalidInputError('password change', issues);
  const current = read.raw('currentPassword');
  if (typeof current !== 'string' || current === '' || current.length > MAX_PASSWORD_LENGTH * 4) read.missing('currentPassword');
  const newPassword = readPassword(read, 'newPassword', username);
  if (newPassword !== undefined && newPassword === current) read.fail('newPassword', 'must differ from the current password');
  if (issues.length > 0 || typeof current !== 'string' || newPassword === undefined) throw new InvalidInputError('password change', issues);
  return { currentPassword: current, newPassword };
}

function readPassword(read: JsonInputReader, key: string, username: string): string | undefined {
  if (!read.has(key)) return read.missing(key);
  const problem = passwordProblem(read.raw(key), username);
  // The problem never quotes the password (a 400 body may end up in a proxy's log).
  if (problem !== null) return read.fail(key, problem);
  return read.raw(key) as string;
}
