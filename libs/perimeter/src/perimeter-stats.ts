import type { MqttRefusalCode } from '@hub/access';

/** How a device logs in: an MQTT CONNECT, or the credential of an HTTP ingest request (one back-off budget for both). */
export type LoginChannel = 'mqtt' | 'http';

/**
 * Why a connection on the PROXY port (HUB_MQTT_PROXY_PORT) was closed before MQTT. missing: it did not open with a
 * PROXY v2 header; v1: a text (v1) header; malformed: a v2 header that breaks the protocol; oversized: one announcing
 * more than the hub takes; unsupported-address: not a TCP connection over IPv4 or IPv6; timeout: no complete header in time.
 */
export const PROXY_HEADER_REFUSALS = ['missing', 'v1', 'malformed', 'oversized', 'unsupported-address', 'timeout'] as const;
export type ProxyHeaderRefusal = (typeof PROXY_HEADER_REFUSALS)[number];

/** What the MQTT perimeter turned away or held back, since start (read by /metrics at scrape time). */
export class PerimeterStats {
  /** Connections closed at accept because their address opened too many too fast. */
  connectionsThrottled = 0;
  /** Refused CONNECTs, by the CONNACK code they got. */
  readonly loginsRefused = new Map<MqttRefusalCode, number>();
  /** CONNECTs refused because their address was in failed-login back-off (credentials not looked at). */
  loginsRefusedInBackoff = 0;
  /** HTTP ingest requests refused for their credential, by the code a CONNECT would have got (401 or 403). */
  readonly httpLoginsRefused = new Map<MqttRefusalCode, number>();
  /** HTTP ingest requests refused (429) because their address was in the failed-login back-off. */
  httpLoginsRefusedInBackoff = 0;
  /** Times an address was put in back-off. */
  backoffsStarted = 0;
  /** PUBLISH packets that had to wait for their client's rate. */
  messagesThrottled = 0;
  /** Clients disconnected for staying over their rate without a break. */
  rateLimitDisconnects = 0;
  /** Subscriptions answered 0x80 (outside the client's scope). */
  subscriptionsRefused = 0;
  /** PUBLISH packets refused by the access policy (e.g. from a read-only integration client); the connection is closed. */
  publishesRefused = 0;
  /** Messages matching a subscription but not delivered because the receiver may not see them (e.g. another town). */
  deliveriesWithheld = 0;
  /** TLS connections that failed before MQTT started: wrong protocol (plaintext on the TLS port), untrusted, timed out. */
  tlsHandshakeFailures = 0;
  /** QoS 1/2 messages not queued for an away persistent session because its queue was full (HUB_MQTT_OFFLINE_QUEUE_LIMIT). */
  offlineMessagesDropped = 0;
  /** Connections on the PROXY port closed before MQTT, by reason. */
  readonly proxyHeadersRefused = new Map<ProxyHeaderRefusal, number>();
  /** Connections on the PROXY port that opened with a LOCAL header (the balancer's own checks), closed at once. */
  proxyLocalConnections = 0;

  loginRefused(code: MqttRefusalCode, channel: LoginChannel = 'mqtt'): void {
    const counts = channel === 'mqtt' ? this.loginsRefused : this.httpLoginsRefused;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
}
