import type { AuthenticateError, Client, Subscription } from 'aedes';
import type { Duplex } from 'node:stream';
import { isLoginRefusal, MqttPrincipal, MqttRefusalCode } from '../../access/src/mqtt-access';
import type { HubLogger } from '../../common/src/hub-logger';
import type { MqttPerimeter } from '../../perimeter/src/mqtt-perimeter';
import type { BrokerAccess } from './broker-access';

/**
 * A refusal already counted and logged here (a refused CONNECT or PUBLISH). aedes reports it again as a client
 * error when it closes the connection; the broker does not log it a second time.
 */
export class MqttAccessRefusedError extends Error {
  constructor(
    message: string,
    readonly returnCode?: number,
  ) {
    super(message);
    this.name = 'MqttAccessRefusedError';
  }
}

/** CONNACK return codes [MQTT-3.2.2-3]. */
const RETURN_CODES: Record<MqttRefusalCode, number> = { 'identifier-rejected': 2, 'bad-username-or-password': 4, 'not-authorized': 5 };

/**
 * Translates access decisions into aedes' hooks: one principal per connection, decided at CONNECT, then asked about
 * every SUBSCRIBE, PUBLISH and delivery. Refusals go back through the callbacks (aedes answers CONNACK n or SUBACK
 * 0x80) and are counted; the failed-login back-off sits in front of the policy.
 */
export class MqttAccessHooks {
  private readonly principals = new Map<Client, MqttPrincipal>();
  private readonly addresses = new WeakMap<Duplex, string | undefined>();

  constructor(
    private readonly access: BrokerAccess | null,
    private readonly perimeter: MqttPerimeter<Client>,
    private readonly logger: HubLogger,
  ) {}

  /** Where a connection comes from (aedes does not keep it, and a WebSocket stream does not have it). */
  connectionAccepted(connection: Duplex, remoteAddress: string | undefined): void {
    this.addresses.set(connection, remoteAddress);
  }

  authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void): void {
    const remoteAddress = this.addresses.get(client.conn as Duplex);
    if (this.perimeter.loginBlocked(remoteAddress)) {
      done(refusal('not-authorized', 'too many refused logins from this address'), null);
      return;
    }
    const decision = this.access?.authenticate({ clientId: client.id, username, password, remoteAddress }) ?? null;
    if (decision === null) {
      done(null, true);
      return;
    }
    if (isLoginRefusal(decision)) {
      this.perimeter.loginRefused(remoteAddress, client.id, username, decision);
      done(refusal(decision.refused, decision.detail), null);
      return;
    }
    this.principals.set(client, decision);
    client.conn.once('close', () => this.principals.delete(client));
    done(null, true);
  }

  authorizeSubscribe(client: Client, subscription: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    const principal = this.principals.get(client);
    const refused = principal === undefined || this.access === null ? null : this.access.subscriptionRefusal(principal, subscription.topic);
    if (refused === null) {
      done(null, subscription);
      return;
    }
    this.perimeter.stats.subscriptionsRefused++;
    this.logger.warn({ msg: 'MQTT subscription refused', clientId: client.id, filter: subscription.topic.slice(0, 128), reason: refused });
    // A null subscription is answered with 0x80 for this filter; the others of the SUBSCRIBE stand [MQTT-3.9.3].
    done(null, null);
  }

  /** Null when the connection may publish on `topic`; otherwise why not (the caller refuses the message). */
  publishRefusal(client: Client | null, topic: string): string | null {
    const principal = client === null ? undefined : this.principals.get(client);
    const refused = principal === undefined || this.access === null ? null : this.access.publishRefusal(principal, topic);
    if (refused !== null) {
      this.perimeter.stats.publishesRefused++;
      this.logger.warn({ msg: 'MQTT publish refused; closing the connection', clientId: client?.id, topic: topic.slice(0, 128), reason: refused });
    }
    return refused;
  }

  mayReceive(client: Client, topic: string): boolean {
    const principal = this.principals.get(client);
    if (principal === undefined || this.access === null || this.access.mayReceive(principal, topic)) return true;
    this.perimeter.stats.deliveriesWithheld++;
    return false;
  }

  /** Closes every connection whose principal matches (a revoked or changed credential); returns how many. */
  closeConnections(match: (principal: MqttPrincipal) => boolean): number {
    let closed = 0;
    for (const [client, principal] of this.principals) {
      if (!match(principal) || client.closed) continue;
      client.close();
      closed++;
    }
    return closed;
  }
}

function refusal(code: MqttRefusalCode, detail: string): AuthenticateError {
  return new MqttAccessRefusedError(detail, RETURN_CODES[code]) as AuthenticateError;
}
