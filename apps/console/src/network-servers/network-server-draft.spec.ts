import type { NetworkServerView } from '@hub/api-types';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { applicationIdProblems, draftOf, emptyNetworkServerDraft, networkServerChange, newNetworkServerBody, stateText } from './network-server-draft';

beforeEach(() => useLanguageForTests('en'));

const SAVED: NetworkServerView = {
  name: 'north',
  kind: 'chirpstack-v4',
  url: 'mqtts://ns.example:8883',
  username: 'hub',
  passwordSet: true,
  tls: { ca: '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----', rejectUnauthorized: true },
  applicationIds: ['a1', 'b2'],
  subscriptions: ['application/a1/device/+/event/+', 'application/b2/device/+/event/+'],
  clientId: 'county-hub-north',
  enabled: true,
  createdAt: '2026-12-05T08:00:00.000Z',
  createdBy: 'alice',
  updatedAt: '2026-12-05T08:00:00.000Z',
  updatedBy: 'alice',
  status: { state: 'connected', connected: true, connectedSince: null, sessionPresent: true, lastError: null, inFlight: 0, counters: { received: 0, acknowledged: 0, refusedUnacknowledged: 0 } },
};

describe('network server draft', () => {
  it('builds a new connection: blanks become defaults, ids one a line, no TLS on plain mqtt://', () => {
    const draft = { ...emptyNetworkServerDraft(), name: ' north ', url: 'mqtt://broker:1883', applicationIds: 'a1\n\n b2, c3 ', ca: 'ignored', rejectUnauthorized: false };
    expect(newNetworkServerBody(draft)).toEqual({ name: 'north', kind: 'chirpstack-v4', url: 'mqtt://broker:1883', username: null, applicationIds: ['a1', 'b2', 'c3'], enabled: true });
    expect(newNetworkServerBody({ ...draft, url: 'mqtts://broker', username: 'hub', password: ' p w ', clientId: 'hub-1', ca: '' })).toEqual({
      name: 'north',
      kind: 'chirpstack-v4',
      url: 'mqtts://broker',
      username: 'hub',
      password: ' p w ',
      tls: { ca: null, rejectUnauthorized: false },
      applicationIds: ['a1', 'b2', 'c3'],
      clientId: 'hub-1',
      enabled: true,
    });
  });

  it('changes only what differs, and keeps the stored password unless one is typed or cleared on purpose', () => {
    const untouched = draftOf(SAVED);
    expect(untouched.password).toBe('');
    expect(networkServerChange(untouched, SAVED)).toEqual({});
    expect(networkServerChange({ ...untouched, password: 'new' }, SAVED)).toEqual({ password: 'new' });
    expect(networkServerChange({ ...untouched, clearPassword: true }, SAVED)).toEqual({ password: null });
    expect(networkServerChange({ ...untouched, applicationIds: 'b2\na1', enabled: false, username: '' }, SAVED)).toEqual({ applicationIds: ['b2', 'a1'], enabled: false, username: null });
  });

  it('resets TLS when the connection moves to plain mqtt://, which the hub would refuse it on', () => {
    expect(networkServerChange({ ...draftOf(SAVED), url: 'mqtt://ns.example:1883' }, SAVED)).toEqual({ url: 'mqtt://ns.example:1883', tls: { ca: null, rejectUnauthorized: true } });
  });

  it('tells a bad application id by its line', () => {
    expect(applicationIdProblems({ url: 'x', 'applicationIds[1]': 'must be an application id' })).toEqual(['line 2: must be an application id']);
    useLanguageForTests('zh-CN');
    expect(applicationIdProblems({ 'applicationIds[0]': 'must be an application id' })).toEqual(['第 1 行：must be an application id']);
  });

  it('says disabled for a connection stopped on purpose, waiting to reconnect in words', () => {
    expect(stateText({ enabled: false, status: { ...SAVED.status, state: 'stopped' } })).toBe('disabled');
    expect(stateText({ enabled: true, status: { ...SAVED.status, state: 'waiting-to-reconnect' } })).toBe('waiting to reconnect');
    useLanguageForTests('zh-CN');
    expect(stateText({ enabled: false, status: { ...SAVED.status, state: 'stopped' } })).toBe('已停用');
    expect(stateText({ enabled: true, status: { ...SAVED.status, state: 'waiting-to-reconnect' } })).toBe('等待重连');
  });
});
