import { describe, type DomainIssue, InvalidInputError, isJsonObject, JsonInputReader } from '@hub/common';

export const COMMAND_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Largest `args`, and largest desired or reported config, as JSON: a command is an instruction, not a firmware image. */
export const MAX_COMMAND_JSON_BYTES = 16 * 1024;
export const DEFAULT_COMMAND_EXPIRY_MS = 3_600_000;
export const MIN_COMMAND_EXPIRY_MS = 1000;
export const MAX_COMMAND_EXPIRY_MS = 7 * 86_400_000;

export interface CommandInput {
  readonly name: string;
  readonly args: unknown;
  readonly expiresInMs: number;
}

/** The body of POST /api/devices/{id}/commands, every problem listed. */
export function readCommandInput(body: unknown): CommandInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['name', 'args', 'expiresIn']);
  if (read === undefined) throw new InvalidInputError('command', issues);
  const name = read.requiredString('name', { maxLength: 64, pattern: COMMAND_NAME_PATTERN, patternText: 'lower-case letters, digits, ., _ and - (1–64, starting with a letter or digit)' });
  const args = read.has('args') ? read.raw('args') : {};
  if (jsonBytes(args) > MAX_COMMAND_JSON_BYTES) read.fail('args', `must be at most ${MAX_COMMAND_JSON_BYTES} bytes as JSON`);
  const expiresInMs = read.duration('expiresIn', MIN_COMMAND_EXPIRY_MS, MAX_COMMAND_EXPIRY_MS) ?? DEFAULT_COMMAND_EXPIRY_MS;
  if (issues.length > 0 || name === undefined) throw new InvalidInputError('command', issues);
  return { name, args, expiresInMs };
}

/** The body of PUT /api/devices/{id}/config: one JSON object, at most MAX_COMMAND_JSON_BYTES. */
export function readDesiredConfig(body: unknown): Readonly<Record<string, unknown>> {
  if (!isJsonObject(body)) throw new InvalidInputError('config', [{ field: '(body)', problem: `must be a JSON object, got ${describe(body)}`, code: 'not-object', params: { got: describe(body) } }]);
  if (jsonBytes(body) > MAX_COMMAND_JSON_BYTES) throw new InvalidInputError('config', [{ field: '(body)', problem: `must be at most ${MAX_COMMAND_JSON_BYTES} bytes as JSON` }]);
  return body as Readonly<Record<string, unknown>>;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
