import { BadRequestException } from '@nestjs/common';
import { parseTimestamp } from '../../../../libs/contract/src';
import { parseDuration } from '../../../../libs/config/src';

/** Query-string parsers for the read API; each bad value is a 400 naming the parameter, the value and what is allowed. */
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

export function badParam(name: string, value: string, allowed: string): BadRequestException {
  return new BadRequestException(`Invalid query parameter ${name}=${JSON.stringify(value.slice(0, 100))}: expected ${allowed}`);
}
