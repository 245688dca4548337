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
