import { MetricCatalogue } from '@hub/contract';
import { Episode } from '../evaluation/device-evaluation';
import { activeSilence, AlertSilence, silenceMatches, suppressingSilence } from './alert-silence';
import { parseSilenceInput } from './alert-silence.validator';
import { InvalidInputError } from '@hub/common';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const M = 60_000;
const TARGET = { domain: 'water' as const, town: 'Northfield', deviceId: 'w-7', ruleId: 'water-pressure-low' };

function silence(id: number, fields: Partial<AlertSilence>): AlertSilence {
  return { id, domain: null, town: null, deviceId: null, ruleId: null, startsAt: NOW - 60 * M, endsAt: NOW + 60 * M, reason: 'maintenance', createdBy: 'ops', createdAt: NOW - 60 * M, ...fields };
}

function episode(start: number, end: number | null): Episode {
  return { start, end, value: 1, valueAt: start, peak: 1, peakScore: 1 };
}

describe('silences', () => {
  it('match on every field that is set', () => {
    expect(silenceMatches(silence(1, { deviceId: 'w-7' }), TARGET)).toBe(true);
    expect(silenceMatches(silence(1, { town: 'Northfield' }), TARGET)).toBe(true);
    expect(silenceMatches(silence(1, { domain: 'water', ruleId: 'water-pressure-low' }), TARGET)).toBe(true);
    expect(silenceMatches(silence(1, { domain: 'water', ruleId: 'water-sensor-silent' }), TARGET)).toBe(false);
    expect(silenceMatches(silence(1, { deviceId: 'w-8' }), TARGET)).toBe(false);
    expect(silenceMatches(silence(1, { domain: 'gas' }), TARGET)).toBe(false);
    expect(silenceMatches(silence(1, { town: 'Southfield' }), { ...TARGET, town: null })).toBe(false);
  });

  it('cover a town with its villages, and a village only itself', () => {
    const inMillbrook = { ...TARGET, town: 'Northfield', village: 'Millbrook' };
    expect(silenceMatches(silence(1, { town: 'Northfield' }), inMillbrook)).toBe(true);
    expect(silenceMatches(silence(1, { town: 'Northfield/Millbrook' }), inMillbrook)).toBe(true);
    expect(silenceMatches(silence(1, { town: 'Northfield/Oakley' }), inMillbrook)).toBe(false);
    expect(silenceMatches(silence(1, { town: 'Northfield/Millbrook' }), TARGET)).toBe(false);
    expect(parseSilenceInput({ town: 'Northfield/Millbrook', duration: '1h', reason: 'mains' }, NOW, 'ops', MetricCatalogue.BUILT_IN).town).toBe('Northfield/Millbrook');
    expect(() => parseSilenceInput({ town: 'Northfield/Millbrook/Lane', duration: '1h', reason: 'mains' }, NOW, 'ops', MetricCatalogue.BUILT_IN)).toThrow(InvalidInputError);
  });

  it('are active from startsAt until (not including) endsAt, the longest-running one winning', () => {
    const silences = [silence(1, { deviceId: 'w-7', endsAt: NOW + M }), silence(2, { domain: 'water', endsAt: NOW + 5 * M }), silence(3, { deviceId: 'w-7', startsAt: NOW + M })];
    expect(activeSilence(silences, TARGET, NOW)?.id).toBe(2);
    expect(activeSilence(silences, TARGET, NOW + 5 * M)?.id).toBe(3);
    expect(activeSilence(silences, TARGET, NOW + 60 * M)).toBeUndefined();
  });

  it('suppress what happens while they hold, and what ended during them, but not what outlasts them', () => {
    const expired = [silence(4, { deviceId: 'w-7', startsAt: NOW - 60 * M, endsAt: NOW - 10 * M })];
    expect(suppressingSilence(expired, TARGET, episode(NOW - 50 * M, NOW - 20 * M), NOW)?.id).toBe(4);
    expect(suppressingSilence(expired, TARGET, episode(NOW - 50 * M, null), NOW)).toBeUndefined();
    expect(suppressingSilence(expired, TARGET, episode(NOW - 50 * M, NOW - 5 * M), NOW)).toBeUndefined();
    const current = [silence(5, { deviceId: 'w-7' })];
    expect(suppressingSilence(current, TARGET, episode(NOW - M, null), NOW)?.id).toBe(5);
  });
});

describe('parseSilenceInput', () => {
  it('takes a duration or an end, starting now by default', () => {
    expect(parseSilenceInput({ deviceId: 'w-7', duration: '2h', reason: 'pump swap' }, NOW, 'j.smith', MetricCatalogue.BUILT_IN)).toEqual({
      domain: null,
      town: null,
      deviceId: 'w-7',
      ruleId: null,
      startsAt: NOW,
      endsAt: NOW + 120 * M,
      reason: 'pump swap',
      createdBy: 'j.smith',
      createdAt: NOW,
    });
    const planned = parseSilenceInput({ town: 'Northfield', startsAt: '2026-01-16T08:00:00Z', endsAt: '2026-01-16T12:00:00Z', reason: 'works' }, NOW, 'ops', MetricCatalogue.BUILT_IN);
    expect([planned.startsAt, planned.endsAt]).toEqual([Date.UTC(2026, 0, 16, 8), Date.UTC(2026, 0, 16, 12)]);
  });

  it('names what is missing or inconsistent', () => {
    const problems = (body: unknown): string[] => {
      try {
        parseSilenceInput(body, NOW, 'ops', MetricCatalogue.BUILT_IN);
      } catch (error) {
        if (error instanceof InvalidInputError) return error.issues.map((issue) => `${issue.field}: ${issue.problem}`);
      }
      return [];
    };
    expect(problems({ reason: 'x' })).toEqual([
      'deviceId: or town or domain is required: what the silence covers',
      'endsAt: or duration is required: when the silence ends',
    ]);
    expect(problems({ domain: 'gas', endsAt: NOW - 1, reason: 'x' })).toEqual([
      'endsAt: must be after startsAt',
      'endsAt: must be in the future',
    ]);
    expect(problems({ deviceId: 'w 7', duration: '100d', reason: 'x' })).toEqual([
      'deviceId: must match [A-Za-z0-9_-]{1,64}',
      'duration: must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from 1s to 90d, got "100d"',
    ]);
    expect(problems({ domain: 'gas', duration: '1h', reason: 'x', createdBy: 'someone.else' })).toEqual([
      'createdBy: is not accepted: the hub records the logged-in operator (or the API key) as the silence’s author',
    ]);
  });
});
