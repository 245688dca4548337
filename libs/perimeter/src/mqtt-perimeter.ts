import type { HubLogger } from '@hub/common';
import type { MqttLoginRefusal } from '@hub/access';
import { addressKey } from './address-key';
import { ConnectionRateLimiter } from './connection-rate-limiter';
import type { LoginBackoffSettings, PublishThrottleSettings, RateLimit } from '@hub/config';
import { LoginBackoff } from './login-backoff';
import { OncePerInterval } from './once-per-interval';
import { type LoginChannel, PerimeterStats, type ProxyHeaderRefusal } from './perimeter-stats';
import { PublishThrottle } from './publish-throttle';

export interface MqttPerimeterSettings {
  /** Per MQTT client id; null: no limit. */
  readonly publishRate: PublishThrottleSettings | null;
  /** New connections per remote address; null: no limit. */
  readonly connectRate: RateLimit | null;
  /** null: no back-off. */
  readonly loginBackoff: LoginBackoffSettings | null;
}

/** An MQTT connection as the perimeter sees it (aedes' Client fits). */
export interface PerimeterClient {
  readonly id: string;
  readonly closed: boolean;
  close(): void;
}

/** Log lines about one address or client at most this often; the rest is counted (and in /metrics). */
const REPORT_INTERVAL_MS = 60_000;

/**
 * The broker's defences against one party taking it over: connection floods from an address, password guessing,
 * and clients publishing faster than any device should. The broker hooks call one method each; the rules, the
 * counting and the rate-limited logging live here.
 */
export class MqttPerimeter<C extends PerimeterClient> {
  readonly stats = new PerimeterStats();
  private readonly connections: ConnectionRateLimiter;
  private readonly backoff: LoginBackoff;
  private readonly throttle: PublishThrottle<C>;
  private readonly connectionReports = new OncePerInterval(REPORT_INTERVAL_MS);
  private readonly loginReports = new OncePerInterval(REPORT_INTERVAL_MS);
  private readonly throttleReports = new OncePerInterval(REPORT_INTERVAL_MS);
  private readonly tlsReports = new OncePerInterval(REPORT_INTERVAL_MS);
  private readonly offlineReports = new OncePerInterval(REPORT_INTERVAL_MS);
  private readonly proxyReports = new OncePerInterval(REPORT_INTERVAL_MS);

  constructor(
    private readonly settings: MqttPerimeterSettings,
    private readonly logger: HubLogger,
  ) {
    this.connections = new ConnectionRateLimiter(settings.connectRate);
    this.backoff = new LoginBackoff(settings.loginBackoff);
    this.throttle = new PublishThrottle<C>(settings.publishRate, {
      delayed: (client) => this.delayed(client),
      abusive: (client, throttledForMs, dropped) => this.abusive(client, throttledForMs, dropped),
    });
  }

  /** At TCP accept, before TLS or MQTT: false means close the socket now. */
  admitConnection(remoteAddress: string | undefined): boolean {
    const address = addressKey(remoteAddress);
    const now = Date.now();
    if (this.connections.admit(address, now)) return true;
    this.stats.connectionsThrottled++;
    const unreported = this.connectionReports.occurrence(address, now);
    if (unreported !== null) {
      this.logger.warn({
        msg: 'Too many new MQTT connections from one address: closing them at accept',
        address,
        limit: describeRate(this.settings.connectRate),
        closedSinceLastReport: unreported,
      });
    }
    return false;
  }

  /**
   * At CONNECT (or an HTTP ingest request), before credentials are looked at: true means refuse it (CONNACK "not
   * authorized", HTTP 429). Counted per channel: both share the address's back-off, not their metrics.
   */
  loginBlocked(remoteAddress: string | undefined, channel: LoginChannel = 'mqtt'): boolean {
    if (!this.backoff.isBlocked(addressKey(remoteAddress), Date.now())) return false;
    if (channel === 'mqtt') this.stats.loginsRefusedInBackoff++;
    else this.stats.httpLoginsRefusedInBackoff++;
    return true;
  }

  /** A login the access policy refused: counted per channel, logged (once a minute per address) and held against the address. */
  loginRefused(remoteAddress: string | undefined, clientId: string, username: string | undefined, refusal: MqttLoginRefusal, channel: LoginChannel = 'mqtt'): void {
    const address = addressKey(remoteAddress);
    const now = Date.now();
    this.stats.loginRefused(refusal.refused, channel);
    const unreported = this.loginReports.occurrence(address, now);
    if (unreported !== null) {
      // The username is an identity, not a secret; the password is never logged.
      const msg = channel === 'mqtt' ? 'MQTT login refused' : 'HTTP ingest login refused';
      this.logger.warn({ msg, address, clientId, username, code: refusal.refused, reason: refusal.reason, detail: refusal.detail, refusedSinceLastReport: unreported });
    }
    if (this.backoff.recordFailure(address, now)) {
      this.stats.backoffsStarted++;
      const { failures, windowMs, blockMs } = this.settings.loginBackoff as LoginBackoffSettings;
      this.logger.warn({ msg: `MQTT logins from this address refused for ${blockMs / 1000} s after ${failures} refused logins within ${windowMs / 1000} s`, address });
    }
  }

  /** A TLS handshake failed (plaintext on the TLS port, a client that does not trust the certificate, a timeout). */
  tlsFailed(remoteAddress: string | undefined, error: Error): void {
    this.stats.tlsHandshakeFailures++;
    const address = addressKey(remoteAddress);
    const unreported = this.tlsReports.occurrence(address, Date.now());
    if (unreported !== null) this.logger.warn({ msg: 'TLS handshake failed', address, error: error.message, failedSinceLastReport: unreported });
  }

  /**
   * A connection on the PROXY port closed before MQTT: LOCAL (the balancer's check) is only counted; a refused header
   * is counted and logged once a minute per peer — usually a misconfigured balancer, or something reaching the port
   * past it.
   */
  proxyHeaderClosed(outcome: 'local' | ProxyHeaderRefusal, peerAddress: string | undefined, detail: string | null): void {
    if (outcome === 'local') {
      this.stats.proxyLocalConnections++;
      return;
    }
    this.stats.proxyHeadersRefused.set(outcome, (this.stats.proxyHeadersRefused.get(outcome) ?? 0) + 1);
    const peer = addressKey(peerAddress);
    const unreported = this.proxyReports.occurrence(peer, Date.now());
    if (unreported !== null) this.logger.warn({ msg: 'Closing a connection on the PROXY port: no valid PROXY v2 header', peer, reason: outcome, detail, closedSinceLastReport: unreported });
  }

  /** A message not queued for an away persistent session whose queue is full: counted, logged once a minute per client. */
  offlineMessageDropped(clientId: string): void {
    this.stats.offlineMessagesDropped++;
    const unreported = this.offlineReports.occurrence(clientId, Date.now());
    if (unreported !== null) {
      this.logger.warn({ msg: 'Offline queue of a persistent MQTT session is full; newer messages for it are not kept', clientId, droppedSinceLastReport: unreported });
    }
  }

  /** In authorizePublish: `proceed` runs now, or when the client's rate allows. */
  throttlePublish(client: C, proceed: () => void): void {
    // A will is published after its connection closed: nothing left to slow down.
    if (client.closed) proceed();
    else this.throttle.admit(client, proceed);
  }

  connectionClosed(client: C): void {
    this.throttle.release(client);
  }

  get throttledClients(): number {
    return this.throttle.throttledClients;
  }

  blockedAddresses(): number {
    return this.backoff.blockedAddresses(Date.now());
  }

  /** Periodically: forget idle addresses and clients; log what the once-a-minute lines left out. */
  sweep(): void {
    const now = Date.now();
    this.connections.sweep(now);
    this.backoff.sweep(now);
    this.throttle.sweep(now);
    for (const { key, suppressed } of this.connectionReports.sweep(now)) {
      this.logger.warn({ msg: 'More MQTT connections closed at accept', address: key, closed: suppressed });
    }
    for (const { key, suppressed } of this.loginReports.sweep(now)) this.logger.warn({ msg: 'More MQTT logins refused', address: key, refused: suppressed });
    for (const { key, suppressed } of this.tlsReports.sweep(now)) this.logger.warn({ msg: 'More TLS handshakes failed', address: key, failed: suppressed });
    for (const { key, suppressed } of this.proxyReports.sweep(now)) this.logger.warn({ msg: 'More connections closed on the PROXY port', peer: key, closed: suppressed });
    for (const { key, suppressed } of this.offlineReports.sweep(now)) this.logger.warn({ msg: 'More messages not kept for a full offline queue', clientId: key, dropped: suppressed });
    for (const { key, suppressed } of this.throttleReports.sweep(now)) this.logger.warn({ msg: 'More MQTT messages slowed by the rate limit', clientId: key, delayed: suppressed });
  }

  private delayed(client: C): void {
    this.stats.messagesThrottled++;
    const unreported = this.throttleReports.occurrence(client.id, Date.now());
    if (unreported !== null) {
      this.logger.warn({
        msg: 'MQTT client over its publish rate limit: reading its messages more slowly',
        clientId: client.id,
        limit: describeRate(this.settings.publishRate),
        delayedSinceLastReport: unreported,
      });
    }
  }

  private abusive(client: C, throttledForMs: number, dropped: number): void {
    this.stats.rateLimitDisconnects++;
    this.logger.warn({
      msg: 'Disconnecting an MQTT client that stayed over its publish rate limit',
      clientId: client.id,
      throttledForSeconds: Math.round(throttledForMs / 1000),
      limit: describeRate(this.settings.publishRate),
      unreadMessages: dropped,
    });
    client.close();
  }
}

function describeRate(limit: RateLimit | null): string {
  return limit === null ? 'none' : `${limit.perSecond}/s, burst ${limit.burst}`;
}
