import type { RedisEndpoint } from '@hub/config';
import type { RedisOptions } from 'ioredis';

/**
 * ioredis options for HUB_REDIS_URL: one server, or the master the sentinels name (ioredis asks them again after a
 * failover). Commands wait while the connection is down (offline queue) and are retried after a reconnect, so a
 * Redis restart pauses the MQTT fabric instead of failing it; reconnection backs off to at most 2 s.
 */
export function redisOptions(endpoint: RedisEndpoint, connectionName: string): RedisOptions {
  const common: RedisOptions = {
    connectionName,
    db: endpoint.db,
    password: endpoint.password,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    // null: a command waits for the connection however many reconnects it takes (ioredis' default gives up after 20).
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  };
  if (endpoint.kind === 'server') return { ...common, host: endpoint.host, port: endpoint.port };
  return { ...common, sentinels: endpoint.sentinels.map((sentinel) => ({ ...sentinel })), name: endpoint.masterName, sentinelPassword: endpoint.password };
}
