import { BadRequestException } from '@nestjs/common';
import { quoted } from '@hub/common';
import { DEVICE_ID_PATTERN, parseTimestamp } from '@hub/contract';
import { parseDuration } from '@hub/common';

/**
 * Parsers for query and path parameters; each bad value is a 400 naming the parameter, the value and what is allowed.
 * Controllers reach them through the pipes of http/query-pipes.ts (`@Query('from', TIME)`), which pass the name the
 * caller used; an empty query value counts as absent. What every route gets without asking, from
 * RequestShapeInterceptor (http/request-shape.ts): a query parameter given twice, or one the handler does not read
 * with @Query('name'), is a 400; a body that is not JSON is a 415 unless the route says @AcceptsBody('text/csv').
 * JSON bodies are limited in size, depth and charset and may not have `__proto__` keys (http/json-body.ts).
 */
export function optionalTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const asNumber = /^\d+$/.test(value) ? Number(value) : value;
  const ms = parseTimestamp(asNumber);
  if (ms === undefined) throw badParam(name, value, 'epoch milliseconds or an ISO-8601 date-time with a zone');
  return ms;
}

export function optionalDuration(name: string, value: string | undefined, minMs: number, maxMs: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms < minMs || ms > maxMs) throw badParam(name, value, `a duration like 10s, 5m, 1h or 1d, from ${minMs} ms to ${maxMs} ms`);
  return ms;
}

export function optionalInt(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw badParam(name, value, `a whole number from ${min} to ${max}`);
  return Number(value);
}

export function optionalEnum<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw badParam(name, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

/** Free text such as a town name: at most `maxLength` characters, no control characters. */
export function optionalText(name: string, value: string | undefined, maxLength: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this check rejects
  if (value.length > maxLength || /[\u0000-\u001f\u007f]/.test(value)) throw badParam(name, value, `text of at most ${maxLength} characters without control characters`);
  return value;
}

/** `from` must come before `to` when both are given. */
export function orderedTimes(from: number | undefined, to: number | undefined, fromName = 'from', toName = 'to'): void {
  if (from !== undefined && to !== undefined && from >= to) {
    throw new BadRequestException(`Invalid query parameters: ${fromName} (${new Date(from).toISOString()}) must be before ${toName} (${new Date(to).toISOString()})`);
  }
}

/** A device id in the path: 400 for one no device can have, so the 404 of an unknown device only ever echoes a valid id. */
export function deviceIdParam(value: string): string {
  if (!DEVICE_ID_PATTERN.test(value)) throw badPathParam('id', value, 'a device id matching [A-Za-z0-9_-]{1,64}');
  return value;
}

export function badParam(name: string, value: unknown, allowed: string): BadRequestException {
  return new BadRequestException(`Invalid query parameter ${name}=${quoted(String(value), 100)}: expected ${allowed}`);
}

export function badPathParam(name: string, value: unknown, allowed: string): BadRequestException {
  return new BadRequestException(`Invalid path parameter ${name}=${quoted(String(value), 100)}: expected ${allowed}`);
}
