/**
 * LoRaWAN network server connections as /api/network-servers shows and takes them (issue 15). The bridge's status
 * is defined here, once, because the console shows it as it comes; @hub/lorawan builds these views.
 */
export type NetworkServerKind = 'chirpstack-v4';

export type BridgeState = 'stopped' | 'connecting' | 'connected' | 'waiting-to-reconnect' | 'stopping';

export interface BridgeCounters {
  /** PUBLISHes taken from the broker and handed to the sink. */
  readonly received: number;
  /** PUBACKs written to the socket: the sink said durable. */
  readonly acknowledged: number;
  /** The sink answered with an error (or threw): left for the broker to deliver again. */
  readonly refusedUnacknowledged: number;
}

export interface BridgeStatus {
  readonly state: BridgeState;
  readonly connected: boolean;
  /** ISO time of the current connection's CONNACK. */
  readonly connectedSince: string | null;
  /** Whether the broker still held our session at the last CONNACK. */
  readonly sessionPresent: boolean | null;
  readonly lastError: { readonly at: string; readonly message: string } | null;
  /** Messages handed to the sink whose PUBACK is not sent yet. */
  readonly inFlight: number;
  /** Since the bridge last (re)started. */
  readonly counters: BridgeCounters;
}

export interface NetworkServerTlsView {
  /** PEM of the CA(s) that signed the broker's certificate; null: the system's trust store. */
  readonly ca: string | null;
  readonly rejectUnauthorized: boolean;
}

/** What the API shows: everything but the password, whose presence alone is told, and the bridge's status. */
export interface NetworkServerView {
  readonly name: string;
  readonly kind: NetworkServerKind;
  readonly url: string;
  readonly username: string | null;
  readonly passwordSet: boolean;
  readonly tls: NetworkServerTlsView;
  readonly applicationIds: readonly string[];
  /** The MQTT subscriptions these application ids make. */
  readonly subscriptions: readonly string[];
  readonly clientId: string;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly status: BridgeStatus;
}

/** POST /api/network-servers. The hub validates it (400 names every bad field); absent fields take their defaults. */
export interface NewNetworkServerBody {
  readonly name: string;
  readonly kind: NetworkServerKind;
  readonly url: string;
  readonly username?: string | null;
  /** Write-only: never shown back. */
  readonly password?: string | null;
  /** Only with an mqtts:// url. */
  readonly tls?: Partial<NetworkServerTlsView>;
  readonly applicationIds?: readonly string[];
  readonly clientId?: string;
  readonly enabled?: boolean;
}

/** PATCH /api/network-servers/{name}: the fields sent replace the stored ones; a password left out is kept. */
export type NetworkServerChangeBody = Partial<Omit<NewNetworkServerBody, 'name' | 'kind'>>;
