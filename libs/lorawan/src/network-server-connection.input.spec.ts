import { InvalidInputError } from '@hub/common';
import { applyNetworkServerChange, parseNewNetworkServer } from './network-server-connection.input';
import { subscriptionFilters, type NetworkServerConnection } from './network-server-connection';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n';

function issuesOf(work: () => unknown): Array<{ field: string; problem: string }> {
  try {
    work();
  } catch (error) {
    if (error instanceof InvalidInputError) return [...error.issues];
    throw error;
  }
  throw new Error('no InvalidInputError');
}

describe('parseNewNetworkServer', () => {
  it('fills the defaults: no credentials, the system trust store, every application, county-hub-<name>, enabled', () => {
    expect(parseNewNetworkServer({ name: 'north', kind: 'chirpstack-v4', url: 'mqtt://broker.example' })).toEqual({
      name: 'north',
      kind: 'chirpstack-v4',
      url: 'mqtt://broker.example',
      username: null,
      password: null,
      tls: { ca: null, rejectUnauthorized: true },
      applicationIds: [],
      clientId: 'county-hub-north',
      enabled: true,
    });
  });

  it('takes everything given, and keeps only scheme, host and port of the url', () => {
    expect(
      parseNewNetworkServer({
        name: 'south-1',
        kind: 'chirpstack-v4',
        url: 'mqtts://ns.example:8883/',
        username: 'hub',
        password: 's3cret',
        tls: { ca: CA, rejectUnauthorized: false },
        applicationIds: ['17c82e96-be03-4f38-aef3-f83d48582d97', 'meters'],
        clientId: 'hub:south',
        enabled: false,
      }),
    ).toEqual({
      name: 'south-1',
      kind: 'chirpstack-v4',
      url: 'mqtts://ns.example:8883',
      username: 'hub',
      password: 's3cret',
      tls: { ca: CA, rejectUnauthorized: false },
      applicationIds: ['17c82e96-be03-4f38-aef3-f83d48582d97', 'meters'],
      clientId: 'hub:south',
      enabled: false,
    });
  });

  it.each([
    ['not an object', [], [{ field: '(body)', problem: 'must be a JSON object, got an array', code: 'not-object', params: { got: 'an array' } }]],
    ['nothing', {}, [
      { field: 'name', problem: 'is required', code: 'required' },
      { field: 'kind', problem: 'is required: one of chirpstack-v4', code: 'required' },
      { field: 'url', problem: 'is required: mqtt://host[:port] or mqtts://host[:port]', code: 'required' },
    ]],
    ['a name too long', { name: 'a'.repeat(41), kind: 'chirpstack-v4', url: 'mqtt://b' }, [{ field: 'name', problem: 'must be a non-empty string of at most 40 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"', code: 'text', params: { maxLength: 40, got: '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"' } }]],
    ['an url that is no url', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt//broker' }, [{ field: 'url', problem: 'must be mqtt://host[:port] or mqtts://host[:port]' }]],
    ['no host', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt:' }, [{ field: 'url', problem: 'must name a host' }]],
    ['a websocket url', { name: 'n', kind: 'chirpstack-v4', url: 'wss://broker' }, [{ field: 'url', problem: 'must start mqtt:// or mqtts://, not wss://' }]],
    ['a path', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt://broker/mqtt' }, [{ field: 'url', problem: 'must be only mqtt[s]://host[:port], without a path or query' }]],
    ['credentials in the url', { name: 'n', kind: 'chirpstack-v4', url: 'mqtts://hub:pw@broker' }, [{ field: 'url', problem: 'must not hold credentials: send username and password as fields' }]],
    ['a control character in the password', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt://b', password: 'a\u0000b' }, [{ field: 'password', problem: 'must be printable text, holds U+0000' }]],
    ['tls that is not an object', { name: 'n', kind: 'chirpstack-v4', url: 'mqtts://b', tls: 'yes' }, [{ field: 'tls', problem: 'must be a JSON object, got "yes"', code: 'not-object', params: { got: '"yes"' } }]],
    ['an unknown tls field', { name: 'n', kind: 'chirpstack-v4', url: 'mqtts://b', tls: { cert: 'x' } }, [{ field: 'tls.cert', problem: 'is not a known field; allowed: ca, rejectUnauthorized', code: 'unknown-field', params: { allowed: 'ca, rejectUnauthorized' } }]],
    ['a ca without a certificate', { name: 'n', kind: 'chirpstack-v4', url: 'mqtts://b', tls: { ca: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----' } }, [{ field: 'tls.ca', problem: 'must be PEM text holding at least one -----BEGIN CERTIFICATE----- block' }]],
    ['a ca on a plain url', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt://b', tls: { ca: CA } }, [{ field: 'tls', problem: 'applies only to an mqtts:// url: mqtt:// is plain TCP' }]],
    ['a wildcard application', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt://b', applicationIds: ['#'] }, [{ field: 'applicationIds[0]', problem: 'must be an application id of letters, digits, _, . and - (1–64), e.g. a ChirpStack application UUID, got "#"', code: 'list-item', params: { got: '"#"' } }]],
    ['an application twice', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt://b', applicationIds: ['a', 'a'] }, [{ field: 'applicationIds', problem: 'must not repeat an entry', code: 'repeated' }]],
    ['a client id with a slash', { name: 'n', kind: 'chirpstack-v4', url: 'mqtt://b', clientId: 'a/b' }, [{ field: 'clientId', problem: 'must match letters, digits, _, ., : and - (1–64)', code: 'pattern' }]],
  ])('refuses %s, naming each field', (_what, body, issues) => {
    expect(issuesOf(() => parseNewNetworkServer(body))).toEqual(issues);
  });
});

describe('applyNetworkServerChange', () => {
  const current: NetworkServerConnection = parseNewNetworkServer({ name: 'north', kind: 'chirpstack-v4', url: 'mqtts://ns.example:8883', username: 'hub', password: 'old', tls: { ca: CA } });

  it('replaces what is sent and keeps the rest, the password included', () => {
    expect(applyNetworkServerChange({ applicationIds: ['meters'], enabled: false }, current)).toEqual({ ...current, applicationIds: ['meters'], enabled: false });
  });

  it('clears the credentials and the CA with null', () => {
    expect(applyNetworkServerChange({ username: null, password: null, tls: { ca: null } }, current)).toEqual({ ...current, username: null, password: null, tls: { ca: null, rejectUnauthorized: true } });
  });

  it('checks TLS against the url it ends up with', () => {
    expect(issuesOf(() => applyNetworkServerChange({ url: 'mqtt://ns.example' }, current))).toEqual([{ field: 'tls', problem: 'applies only to an mqtts:// url: mqtt:// is plain TCP' }]);
    expect(applyNetworkServerChange({ url: 'mqtt://ns.example', tls: { ca: null } }, current).url).toBe('mqtt://ns.example');
  });

  it('refuses a rename, a new kind and an empty change', () => {
    expect(issuesOf(() => applyNetworkServerChange({ name: 'south', kind: 'chirpstack-v4' }, current))).toEqual([
      { field: 'name', problem: 'cannot change: delete the network server and create it again' },
      { field: 'kind', problem: 'cannot change: delete the network server and create it again' },
    ]);
    expect(issuesOf(() => applyNetworkServerChange({}, current))).toEqual([{ field: '(body)', problem: 'changes nothing: send one of url, username, password, tls, applicationIds, clientId, enabled' }]);
  });
});

describe('subscriptionFilters', () => {
  it('subscribes to each application, or to every one when none is named', () => {
    expect(subscriptionFilters({ applicationIds: ['a', 'b'] })).toEqual(['application/a/device/+/event/+', 'application/b/device/+/event/+']);
    expect(subscriptionFilters({ applicationIds: [] })).toEqual(['application/+/device/+/event/+']);
  });
});
