import type postgres from 'postgres';

/**
 * HUB_DATABASE_URL: `postgres://user:password@host1:5432,host2:5432/hub?target_session_attrs=read-write`.
 * Several hosts are the members of a primary/standby pair; WHATWG URL cannot parse them (hence this small reader).
 */
export interface DatabaseUrlParts {
  readonly scheme: 'postgres' | 'postgresql';
  readonly user: string | null;
  readonly hosts: readonly string[];
  readonly database: string | null;
  readonly params: ReadonlyMap<string, string>;
}

const PATTERN = /^(postgres|postgresql):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/;
const SESSION_ATTRS = new Set(['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby']);

/** Reads the URL, or throws an Error whose message says what is wrong with it (never echoing the password). */
export function parseDatabaseUrl(url: string): DatabaseUrlParts {
  const match = PATTERN.exec(url.trim());
  if (match === null) throw new Error('HUB_DATABASE_URL must look like postgres://user:password@host:5432/database (several hosts separated by commas)');
  const [, scheme, credentials, hostList, database, query] = match;
  const hosts = hostList.split(',').map((host) => host.trim());
  if (hosts.some((host) => host === '' || !/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/.test(host))) {
    throw new Error(`HUB_DATABASE_URL has a host that is empty or not host[:port]: "${hostList}"`);
  }
  for (const host of hosts) {
    const port = /:(\d+)$/.exec(host)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) throw new Error(`HUB_DATABASE_URL has port ${port}, outside 1–65535`);
  }
  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(query ?? '')) params.set(key, value);
  const attrs = params.get('target_session_attrs');
  if (attrs !== undefined && !SESSION_ATTRS.has(attrs)) throw new Error(`HUB_DATABASE_URL target_session_attrs=${attrs} is not one of ${[...SESSION_ATTRS].join(', ')}`);
  const user = credentials === undefined ? null : decodeURIComponent(credentials.split(':')[0]);
  return { scheme: scheme as 'postgres' | 'postgresql', user, hosts, database: database === undefined || database === '' ? null : decodeURIComponent(database), params };
}

/** The URL as logs and /api/health may show it: hosts and database, no user or password. */
export function describeDatabaseUrl(url: string): string {
  const parts = parseDatabaseUrl(url);
  return `${parts.scheme}://${parts.hosts.join(',')}/${parts.database ?? ''}`;
}

/**
 * The postgres.js options the hub runs with.
 *
 * - `target_session_attrs=read-write` is followed as `primary`: postgres.js judges read-write by
 *   `default_transaction_read_only`, which is `off` on a hot standby too, so it would settle on a standby and every
 *   write would fail (porsager/postgres#815). `primary` asks `pg_is_in_recovery()`, the right question.
 * - BIGINT (ids, epoch milliseconds, counts) and NUMERIC (sums) come back as JS numbers, as SQLite gives them: every
 *   value the hub stores is far below 2^53.
 */
export function postgresOptionsOf(url: string, applicationName: string): postgres.Options<Record<string, postgres.PostgresType>> {
  const parts = parseDatabaseUrl(url);
  const attrs = parts.params.get('target_session_attrs');
  return {
    max: 10,
    connect_timeout: 5,
    idle_timeout: 60,
    onnotice: () => undefined,
    connection: { application_name: applicationName },
    // `any` is what no setting means; postgres.js knows the others by these names.
    ...(attrs === undefined || attrs === 'any' ? {} : { target_session_attrs: (attrs === 'read-write' ? 'primary' : attrs) as 'primary' | 'read-only' | 'standby' | 'prefer-standby' }),
    types: {
      bigint: { to: 20, from: [20, 1700], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
  };
}
