export interface ComponentHealth {
  readonly ok: boolean;
  readonly [detail: string]: unknown;
}

/** GET /api/health (503 with the same body when something is down). */
export interface HubHealth {
  readonly status: 'ok' | 'degraded';
  readonly broker: ComponentHealth;
  readonly influx: ComponentHealth;
  readonly store: ComponentHealth;
  readonly spool: ComponentHealth;
  /** This node and the alert leader lease: whether it evaluates alerts and sends notifications now, at which epoch. Not part of status. */
  readonly leader?: { readonly node: string; readonly leading: boolean; readonly epoch: number | null };
}

/**
 * GET /api/health/live: this node alone (the process runs, its MQTT listeners are open), nothing it shares with the
 * others, so that a load balancer takes out a node, not the cluster, when InfluxDB, PostgreSQL or Redis is down.
 * 503 with status "not-live" while the listeners are not open (starting, stopping).
 */
export interface HubLiveness {
  readonly status: 'live' | 'not-live';
  /** HUB_NODE_ID. */
  readonly node: string;
}
