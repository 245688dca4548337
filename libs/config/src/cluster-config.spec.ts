import { ConfigReader } from './env-parsers';
import { parseRedisUrl, readClusterConfig } from './cluster-config';

describe('HUB_REDIS_URL', () => {
  it.each([
    ['redis://127.0.0.1:6380', { kind: 'server', host: '127.0.0.1', port: 6380, db: 0 }],
    ['redis://redis', { kind: 'server', host: 'redis', port: 6379, db: 0 }],
    ['redis://:p%40ss@redis:6379/3', { kind: 'server', host: 'redis', port: 6379, password: 'p@ss', db: 3 }],
    ['redis://[::1]:6379', { kind: 'server', host: '::1', port: 6379, db: 0 }],
    [
      'redis-sentinel://s1:26379,s2,10.0.0.3:26380/hub-master',
      { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }, { host: '10.0.0.3', port: 26380 }], masterName: 'hub-master', db: 0 },
    ],
    ['redis-sentinel://:secret@s1/m/2', { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], masterName: 'm', password: 'secret', db: 2 }],
  ])('%s', (url, expected) => {
    expect(parseRedisUrl(url)).toEqual(expected);
  });

  it.each(['http://redis:6379', 'redis://a,b', 'redis://redis:0', 'redis://redis:70000', 'redis://redis/x', 'redis-sentinel://s1', 'redis-sentinel://s1/', 'redis://:%zz@r', 'redis://r/1/2'])(
    'refuses %s',
    (url) => {
      expect(parseRedisUrl(url)).toBeNull();
    },
  );

  it('is refused without HUB_DATABASE_URL, and never echoed', () => {
    const read = new ConfigReader({ HUB_REDIS_URL: 'redis://:secret@r' });
    readClusterConfig(read, null);
    expect(read.errors.map((error) => [error.variable, error.value, error.allowed])).toEqual([
      ['HUB_REDIS_URL', '(set)', 'only with HUB_DATABASE_URL: the nodes of a cluster share their state in PostgreSQL'],
    ]);
    const bad = new ConfigReader({ HUB_REDIS_URL: 'redis://:secret@a,b' });
    readClusterConfig(bad, 'postgres://db/hub');
    expect(bad.errors.map((error) => error.value)).toEqual(['(19 characters, hidden: it may hold a password)']);
  });
});

describe('HUB_NODE_ID and HUB_MQTT_PROXY_PORT', () => {
  it('reads a node id and a proxy port', () => {
    const read = new ConfigReader({ HUB_NODE_ID: 'node-2', HUB_MQTT_PROXY_PORT: '1884', HUB_REDIS_URL: 'redis://r:6379' });
    expect(readClusterConfig(read, 'postgres://db/hub')).toEqual({ nodeId: 'node-2', redis: { kind: 'server', host: 'r', port: 6379, db: 0 }, mqttProxyPort: 1884, leaderLeaseMs: 10_000, leaderRenewEveryMs: 3_000 });
    expect(read.errors).toEqual([]);
  });

  it('reads the leader lease timings, and refuses a renewal interval over half the lease', () => {
    const read = new ConfigReader({ HUB_LEADER_LEASE: '3s', HUB_LEADER_RENEW_EVERY: '1s' });
    expect(readClusterConfig(read, null)).toMatchObject({ leaderLeaseMs: 3_000, leaderRenewEveryMs: 1_000 });
    expect(read.errors).toEqual([]);
    const bad = new ConfigReader({ HUB_LEADER_LEASE: '4s', HUB_LEADER_RENEW_EVERY: '3s' });
    readClusterConfig(bad, null);
    expect(bad.errors.map((error) => [error.variable, error.value, error.allowed])).toEqual([
      ['HUB_LEADER_RENEW_EVERY', '3000 ms', 'at most half of HUB_LEADER_LEASE (4000 ms), so that one slow renewal does not lose the lease'],
    ]);
  });

  it('refuses a node id that would not fit in logs and lease rows', () => {
    const read = new ConfigReader({ HUB_NODE_ID: 'node 2/x' });
    readClusterConfig(read, null);
    expect(read.errors.map((error) => [error.variable, error.value])).toEqual([['HUB_NODE_ID', 'node 2/x']]);
  });
});
