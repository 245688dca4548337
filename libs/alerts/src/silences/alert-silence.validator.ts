import { DEVICE_ID_PATTERN, type MetricCatalogue, parseTimestamp, readDomainField } from '@hub/contract';
import { AREA_PATH_PATTERN, AREA_PATH_RULE, DomainIssue, InvalidInputError, JsonInputReader } from '@hub/common';
import { RULE_ID_PATTERN } from '../rules/alert-rule';
import { NewAlertSilence } from './alert-silence';

const SILENCE_KEYS = ['domain', 'town', 'deviceId', 'ruleId', 'startsAt', 'endsAt', 'duration', 'reason', 'createdBy'];
/** `createdBy` from before the API had sign-in: refused, so no client believes it still names who made the silence. */
const CREATED_BY_REFUSED = 'is not accepted: the hub records the logged-in operator (or the API key) as the silence’s author';
const MAX_SILENCE_MS = 90 * 86_400_000;

/**
 * A silence from the API. `endsAt` or `duration` says when it ends (at most 90 days: a permanent silence is a
 * disabled rule or a decommissioned device, and should be one); `startsAt` defaults to now, so a planned
 * maintenance window can be entered ahead of time. `createdBy` is who asked (the logged-in operator or API key).
 */
export function parseSilenceInput(body: unknown, now: number, createdBy: string, catalogue: MetricCatalogue): NewAlertSilence {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, SILENCE_KEYS);
  if (read === undefined) throw new InvalidInputError('silence', issues);
  const domain = readDomainField(read, 'domain', catalogue) ?? null;
  const town = read.string('town', { maxLength: 201, pattern: AREA_PATH_PATTERN, patternText: AREA_PATH_RULE }) ?? null;
  const deviceId = read.string('deviceId', { maxLength: 64, pattern: DEVICE_ID_PATTERN, patternText: '[A-Za-z0-9_-]{1,64}' }) ?? null;
  const ruleId = read.string('ruleId', { maxLength: 64, pattern: RULE_ID_PATTERN, patternText: 'a rule id' }) ?? null;
  if (!read.has('domain') && !read.has('town') && !read.has('deviceId')) read.fail('deviceId', 'or town or domain is required: what the silence covers');
  const startsAt = readTime(read, 'startsAt') ?? now;
  const duration = read.duration('duration', 1000, MAX_SILENCE_MS);
  const endsAt = readTime(read, 'endsAt') ?? (duration === undefined ? undefined : startsAt + duration);
  if (read.has('endsAt') && read.has('duration')) read.fail('duration', 'cannot be given together with endsAt');
  if (!read.has('endsAt') && !read.has('duration')) read.fail('endsAt', 'or duration is required: when the silence ends');
  if (endsAt !== undefined && endsAt <= startsAt) read.fail('endsAt', 'must be after startsAt');
  if (endsAt !== undefined && endsAt - startsAt > MAX_SILENCE_MS) read.fail('endsAt', 'must be at most 90 days after startsAt');
  if (endsAt !== undefined && endsAt <= now) read.fail('endsAt', 'must be in the future');
  const reason = read.requiredString('reason', { maxLength: 500 });
  if (read.has('createdBy')) read.fail('createdBy', CREATED_BY_REFUSED);
  if (issues.length > 0 || endsAt === undefined || reason === undefined) throw new InvalidInputError('silence', issues);
  return { domain, town, deviceId, ruleId, startsAt, endsAt, reason, createdBy, createdAt: now };
}

/** A change to a silence: only its end (to extend it, or end it early) and its reason. */
export function parseSilenceUpdate(body: unknown, startsAt: number, now: number): { endsAt?: number; reason?: string } {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['endsAt', 'reason']);
  if (read === undefined) throw new InvalidInputError('silence change', issues);
  const endsAt = readTime(read, 'endsAt');
  const reason = read.string('reason', { maxLength: 500 });
  if (endsAt !== undefined && endsAt <= startsAt) read.fail('endsAt', 'must be after startsAt');
  if (endsAt !== undefined && endsAt - startsAt > MAX_SILENCE_MS) read.fail('endsAt', 'must be at most 90 days after startsAt');
  if (endsAt !== undefined && endsAt < now) read.fail('endsAt', 'must not be in the past (use DELETE to end a silence now)');
  if (issues.length > 0) throw new InvalidInputError('silence change', issues);
  return { ...(endsAt === undefined ? {} : { endsAt }), ...(reason === undefined ? {} : { reason }) };
}

function readTime(read: JsonInputReader, key: string): number | undefined {
  if (!read.has(key)) return undefined;
  const ms = parseTimestamp(read.raw(key));
  if (ms === undefined) return read.fail(key, 'must be epoch milliseconds or an ISO-8601 date-time with a zone');
  return ms;
}
