import { hostname } from 'node:os';
import { ConfigError, ConfigReader } from './env-parsers';

/** Where a node finds Redis: one server, or the masters Sentinel names (followed through a failover). */
export type RedisEndpoint =
  | { readonly kind: 'server'; readonly host: string; readonly port: number; readonly password?: string; readonly db: number }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>;
      /** The master's name as the sentinels know it (`sentinel monitor <name> …`). */
      readonly masterName: string;
      readonly password?: string;
      readonly db: number;
    };

export interface ClusterConfig {
  /** HUB_NODE_ID: this node's name in the cluster (leases, spool claims, logs, metrics). */
  readonly nodeId: string;
  /** HUB_REDIS_URL: the MQTT fabric between nodes; null runs one node on its own (no cluster). */
  readonly redis: RedisEndpoint | null;
  /**
   * HUB_MQTT_PROXY_PORT: a plain MQTT listener that takes only connections opening with a PROXY protocol v2 header
   * (HAProxy's `send-proxy-v2`), so that per-address limits see the device's address, not the balancer's. Null: none.
   */
  readonly mqttProxyPort: number | null;
  /** HUB_LEADER_LEASE: how long the alert leader's lease lasts after its last renewal (the longest wait for a new leader after a crash). */
  readonly leaderLeaseMs: number;
  /** HUB_LEADER_RENEW_EVERY: how often the leader renews it, and followers try for it. */
  readonly leaderRenewEveryMs: number;
}

const REDIS_URL_ALLOWED =
  'redis://[:password@]host[:port][/db], or redis-sentinel://[:password@]host[:port],host[:port]…/master-name[/db] to follow the master Sentinel names';

/** A node id is written into logs, lease rows and spool claims: kept short and plain. */
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function readClusterConfig(read: ConfigReader, databaseUrl: string | null): ClusterConfig {
  const defaultNodeId = hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63) || 'hub';
  const nodeId = read.string('HUB_NODE_ID', defaultNodeId, {
    description: "this node's name in a cluster: the alert leader lease, claims on the shared spool, logs and metrics name it; every node needs its own",
    default: '(the host name)',
    allowed: 'letters, digits, dot, dash and underscore, up to 63 characters, starting with a letter or digit',
  });
  if (!NODE_ID.test(nodeId)) read.errors.push(new ConfigError('HUB_NODE_ID', nodeId.slice(0, 80), 'letters, digits, dot, dash and underscore, up to 63 characters, starting with a letter or digit'));
  const raw = read.optionalString('HUB_REDIS_URL', {
    description: 'Redis for running several hub nodes as one (MQTT sessions, retained messages, wills and fan-out between nodes; events between nodes); needs HUB_DATABASE_URL. Unset: one node on its own (docs/cluster.md)',
    allowed: REDIS_URL_ALLOWED,
    default: '(none: a single node)',
  });
  let redis: RedisEndpoint | null = null;
  if (raw !== undefined) {
    redis = parseRedisUrl(raw);
    // Never echo it: it may hold the password.
    if (redis === null) read.errors.push(new ConfigError('HUB_REDIS_URL', `(${raw.length} characters, hidden: it may hold a password)`, REDIS_URL_ALLOWED));
    else if (databaseUrl === null) read.errors.push(new ConfigError('HUB_REDIS_URL', '(set)', 'only with HUB_DATABASE_URL: the nodes of a cluster share their state in PostgreSQL'));
  }
  const mqttProxyPort = read.portOrOff('HUB_MQTT_PROXY_PORT', null, {
    description: 'plain MQTT for connections from a load balancer that opens each with a PROXY protocol v2 header (HAProxy `send-proxy-v2`): per-address limits then see the device, not the balancer. A connection without the header is closed',
  });
  const leaderLeaseMs = read.duration(
    'HUB_LEADER_LEASE',
    '10s',
    1000,
    300_000,
    'how long the lease of the node that evaluates alerts and sends notifications lasts after its last renewal (by the database clock): a crashed or frozen leader is replaced after at most this long',
  );
  const leaderRenewEveryMs = read.duration('HUB_LEADER_RENEW_EVERY', '3s', 200, 100_000, 'how often the alert leader renews its lease (and other nodes try for it): at most half of HUB_LEADER_LEASE, a third or less leaves room for a slow renewal');
  if (leaderRenewEveryMs * 2 > leaderLeaseMs) {
    read.errors.push(new ConfigError('HUB_LEADER_RENEW_EVERY', `${leaderRenewEveryMs} ms`, `at most half of HUB_LEADER_LEASE (${leaderLeaseMs} ms), so that one slow renewal does not lose the lease`));
  }
  return { nodeId, redis, mqttProxyPort, leaderLeaseMs, leaderRenewEveryMs };
}

/** Parses HUB_REDIS_URL; null when it is not one of the allowed forms. */
export function parseRedisUrl(value: string): RedisEndpoint | null {
  const match = /^(redis|redis-sentinel):\/\/(?:(?:[^:@/]*):([^@/]*)@)?([^/?#]+)(?:\/([^/?#]*))?(?:\/(\d+))?\/?$/.exec(value);
  if (match === null) return null;
  const [, scheme, password, hosts, first, second] = match;
  const decodedPassword = password === undefined || password === '' ? undefined : safeDecode(password);
  if (decodedPassword === null) return null;
  const endpoints: Array<{ host: string; port: number }> = [];
  for (const part of hosts.split(',')) {
    const endpoint = parseHostPort(part, scheme === 'redis' ? 6379 : 26379);
    if (endpoint === null) return null;
    endpoints.push(endpoint);
  }
  const withPassword = decodedPassword === undefined ? {} : { password: decodedPassword };
  if (scheme === 'redis') {
    if (endpoints.length !== 1 || second !== undefined) return null;
    const db = first === undefined || first === '' ? 0 : /^\d{1,2}$/.test(first) ? Number(first) : null;
    if (db === null) return null;
    return { kind: 'server', ...endpoints[0], ...withPassword, db };
  }
  if (first === undefined || first === '' || !/^[A-Za-z0-9._-]+$/.test(first)) return null;
  const db = second === undefined ? 0 : Number(second);
  if (db > 99) return null;
  return { kind: 'sentinel', sentinels: endpoints, masterName: first, ...withPassword, db };
}

function parseHostPort(part: string, defaultPort: number): { host: string; port: number } | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(part);
  if (match === null) return null;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
