import { Counter, Gauge, Registry } from 'prom-client';
import type { Client } from 'aedes';
import type { MqttRefusalCode } from '@hub/access';
import { type MqttPerimeter, PROXY_HEADER_REFUSALS } from '@hub/perimeter';

const REFUSAL_CODES: readonly MqttRefusalCode[] = ['identifier-rejected', 'bad-username-or-password', 'not-authorized'];
/** An HTTP request has no client id to reject. */
const HTTP_REFUSAL_CODES: readonly MqttRefusalCode[] = ['bad-username-or-password', 'not-authorized'];

/** The MQTT perimeter's counters and gauges, read from its stats at scrape time. */
export function registerPerimeterMetrics(registry: Registry, perimeter: MqttPerimeter<Client>): void {
  const stats = perimeter.stats;
  const counterFrom = (name: string, help: string, read: () => number): void => {
    new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
  };
  const gaugeFrom = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  counterFrom('hub_mqtt_connections_throttled_total', 'Connections closed at accept: their address opened more than HUB_MQTT_CONNECT_RATE allows', () => stats.connectionsThrottled);
  new Counter({
    name: 'hub_mqtt_logins_refused_total',
    help: 'MQTT CONNECTs refused, by CONNACK code; in-backoff: refused because the address is in failed-login back-off (HTTP ingest logins: hub_http_ingest_logins_refused_total)',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const code of REFUSAL_CODES) this.inc({ code }, stats.loginsRefused.get(code) ?? 0);
      this.inc({ code: 'in-backoff' }, stats.loginsRefusedInBackoff);
    },
  });
  new Counter({
    name: 'hub_http_ingest_logins_refused_total',
    help: 'HTTP ingest requests refused for their device credential, by the CONNACK code an MQTT CONNECT would get (bad-username-or-password: 401, not-authorized: 403); in-backoff: 429, the address is in the failed-login back-off MQTT and HTTP share',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const code of HTTP_REFUSAL_CODES) this.inc({ code }, stats.httpLoginsRefused.get(code) ?? 0);
      this.inc({ code: 'in-backoff' }, stats.httpLoginsRefusedInBackoff);
    },
  });
  counterFrom('hub_mqtt_login_backoffs_total', 'Times an address was put in failed-login back-off (refused MQTT and HTTP ingest logins count towards it alike)', () => stats.backoffsStarted);
  gaugeFrom('hub_mqtt_addresses_in_backoff', 'Addresses whose logins are refused now (failed-login back-off)', () => perimeter.blockedAddresses());
  counterFrom('hub_mqtt_messages_throttled_total', 'PUBLISH packets held back by the per-client rate limit (delayed, not dropped)', () => stats.messagesThrottled);
  gaugeFrom('hub_mqtt_throttled_clients', 'Connections with messages waiting for their rate limit now', () => perimeter.throttledClients);
  counterFrom('hub_mqtt_rate_limit_disconnects_total', 'Clients disconnected for staying over their rate limit (HUB_MQTT_RATE_ABUSE_AFTER)', () => stats.rateLimitDisconnects);
  counterFrom('hub_mqtt_subscriptions_refused_total', 'Subscriptions answered 0x80: outside the client\'s scope', () => stats.subscriptionsRefused);
  counterFrom('hub_mqtt_publishes_refused_total', 'PUBLISH packets refused by access control (e.g. from a read-only integration client); the connection is closed', () => stats.publishesRefused);
  counterFrom('hub_mqtt_deliveries_withheld_total', 'Messages matching a subscription but not delivered: outside the receiver\'s domains or towns', () => stats.deliveriesWithheld);
  counterFrom('hub_mqtt_offline_messages_dropped_total', 'QoS 1/2 messages not kept for a persistent session whose client is away: its queue held HUB_MQTT_OFFLINE_QUEUE_LIMIT already', () => stats.offlineMessagesDropped);
  new Counter({
    name: 'hub_mqtt_proxy_headers_refused_total',
    help: 'Connections on HUB_MQTT_PROXY_PORT closed before MQTT, by reason: missing (no PROXY v2 header), v1, malformed, oversized, unsupported-address (not TCP over IPv4/IPv6), timeout',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const reason of PROXY_HEADER_REFUSALS) this.inc({ reason }, stats.proxyHeadersRefused.get(reason) ?? 0);
    },
  });
  counterFrom('hub_mqtt_proxy_local_connections_total', 'Connections on HUB_MQTT_PROXY_PORT with a LOCAL header (the balancer\'s own checks), closed at once', () => stats.proxyLocalConnections);
  counterFrom('hub_mqtt_tls_handshake_failures_total', 'TLS handshakes that failed (plaintext on a TLS port, untrusted certificate, timeout)', () => stats.tlsHandshakeFailures);
}
