import type { AuthenticateError, Client, Subscription } from 'aedes';
import type { Duplex } from 'node:stream';
import { isLoginRefusal, MqttAccessPolicy, MqttPrincipal, MqttPublishRefusal, MqttRefusalCode } from '@hub/access';
import type { HubLogger } from '@hub/common';
import type { LoginGate } from './session-revocations';
import type { MqttPerimeter } from '@hub/perimeter';

/** What aedes assigns when the CONNECT carried an empty client id: `aedes_` + a random UUID. */
const GENERATED_CLIENT_ID = /^aedes_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** CONNACK return codes [MQTT-3.2.2-3]. */
const RETURN_CODES: Record<MqttRefusalCode, number> = { 'identifier-rejected': 2, 'bad-username-or-password': 4, 'not-authorized': 5 };

/**
 * A refusal already counted and logged here (a refused CONNECT). aedes reports it again as a client error when it
 * closes the connection; the broker does not log it a second time.
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

/**
 * Set on a CONNECT's will when the client, authenticated, may publish on the will's topic. aedes keeps the will with
 * this mark in the shared persistence (it stores the packet object whole), so a node that publishes the will of a
 * dead node's client, with no client to check, knows it was allowed. A packet read from the wire never has it.
 */
export const AUTHORIZED_WILL = 'hubAuthorizedWill';

/** A will as aedes hands it to authorizePublish: the persistence adds the client and broker it belonged to. */
export interface StoredWill {
  readonly topic: string;
  readonly clientId?: unknown;
  readonly brokerId?: unknown;
  readonly [AUTHORIZED_WILL]?: unknown;
}

export interface AccessCounters {
  /** Refused CONNECTs by `code/reason`, e.g. `bad-username-or-password/wrong-secret`. */
  readonly connectionsRefused: Map<string, number>;
}

/**
 * Translates between aedes' hooks and an MqttAccessPolicy: the principal decided at CONNECT is kept per client and
 * handed to the policy for every publish, subscription and delivery. No rule lives here; the failed-login back-off
 * (the perimeter) sits in front of the policy, and refusals are counted and logged without flooding the log.
 */
export class MqttAccessHooks {
  /** A Map, not a WeakMap: a revoked credential closes the connections of its principal, found by walking it. */
  private readonly principals = new Map<Client, MqttPrincipal>();
  /** The login gate's mark at each client's authentication (see LoginGate). */
  private readonly marks = new WeakMap<Client, number>();
  private gate: LoginGate | null = null;
  private readonly addresses = new WeakMap<Duplex, string | undefined>();
  /** Refused publishes per connection, so a device stuck on a wrong topic is logged at 1, 10, 100 … not every time. */
  private readonly refusedPublishes = new WeakMap<Client, number>();
  readonly counters: AccessCounters = { connectionsRefused: new Map() };

  constructor(
    private readonly policy: MqttAccessPolicy,
    private readonly perimeter: MqttPerimeter<Client>,
    private readonly logger: HubLogger,
  ) {}

  /** Revocations heard from other nodes refuse and close what they name (SessionRevocations). */
  useLoginGate(gate: LoginGate): void {
    this.gate = gate;
  }

  /**
   * False when the client's credential was revoked since it authenticated: a CONNECT between aedes' authenticate and
   * its registration is not among the connections a revocation closes, so it is checked again when it registers.
   */
  stillAdmitted(client: Client): boolean {
    const principal = this.principals.get(client);
    const mark = this.marks.get(client);
    return this.gate === null || principal === undefined || mark === undefined || this.gate.stillValid(principal, mark);
  }

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
    // aedes names a client that sent an empty client id itself [MQTT-3.1.3-6]; the policy must see what was sent.
    const clientId = GENERATED_CLIENT_ID.test(client.id) ? '' : client.id;
    const decision = this.policy.authenticate({ clientId, username, password, remoteAddress });
    if (isLoginRefusal(decision)) {
      const key = `${decision.refused}/${decision.reason ?? decision.refused}`;
      this.counters.connectionsRefused.set(key, (this.counters.connectionsRefused.get(key) ?? 0) + 1);
      // Counted, logged at most once a minute per address (never the password), and held against the address.
      this.perimeter.loginRefused(remoteAddress, clip(client.id), clip(username ?? ''), decision);
      done(refusal(decision.refused, decision.detail), null);
      return;
    }
    const mark = this.gate === null ? 0 : this.gate.admit(decision);
    if (mark === null) {
      // Revoked on another node and not yet read again here: this node's memory may still hold the old secret.
      done(refusal('not-authorized', 'credential revoked, not yet reloaded on this node'), null);
      return;
    }
    this.marks.set(client, mark);
    this.principals.set(client, decision);
    // aedes holds the CONNECT's will in `_will` until it stores it, after this hook (lib/handlers/connect.js).
    const will = (client as Client & { _will?: { topic: string } | null })._will;
    if (will != null && this.policy.publishRefusal(decision, will.topic) === null) (will as Record<string, unknown>)[AUTHORIZED_WILL] = true;
    client.conn.once('close', () => this.principals.delete(client));
    done(null, true);
  }

  /** aedes' authorizeSubscribe: a null subscription is SUBACK 0x80 for that filter, the others stand [MQTT-3.9.3]. */
  authorizeSubscribe(client: Client, subscription: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    const principal = this.principals.get(client);
    const refused = principal === undefined ? 'no authenticated client' : this.policy.subscriptionRefusal(principal, subscription.topic);
    if (refused === null) {
      done(null, subscription);
      return;
    }
    this.perimeter.stats.subscriptionsRefused++;
    this.logger.warn({ msg: 'MQTT subscription refused', clientId: clip(client.id), filter: clip(subscription.topic), reason: refused });
    done(null, null);
  }

  /**
   * Null when the client may publish on `topic`; otherwise why not (the broker acknowledges the message and
   * dead-letters it). A client without a principal (a departed client's will) may not.
   */
  publishRefusal(client: Client | null, topic: string): MqttPublishRefusal | null {
    const principal = client === null ? undefined : this.principals.get(client);
    const refused = principal === undefined ? { reason: 'TOPIC_FORBIDDEN' as const, detail: 'no authenticated client' } : this.policy.publishRefusal(principal, topic);
    if (refused === null) return null;
    this.perimeter.stats.publishesRefused++;
    if (client !== null) {
      const count = (this.refusedPublishes.get(client) ?? 0) + 1;
      this.refusedPublishes.set(client, count);
      if (isLogWorthy(count)) this.logger.warn({ msg: 'MQTT publish refused', clientId: clip(client.id), topic: clip(topic), reason: refused.reason, detail: refused.detail, refusedOnThisConnection: count });
    }
    return refused;
  }

  /**
   * A will published with no client (a dead node's client's, by a surviving node): null when its client registered
   * it on a topic it was allowed to publish on, as checked at its CONNECT; otherwise why not. Any other publish without
   * a client is refused.
   */
  departedWillRefusal(will: StoredWill): MqttPublishRefusal | null {
    if (will[AUTHORIZED_WILL] === true && typeof will.clientId === 'string') return null;
    this.perimeter.stats.publishesRefused++;
    this.logger.warn({ msg: 'MQTT will of a departed client refused', clientId: typeof will.clientId === 'string' ? clip(will.clientId) : null, topic: clip(will.topic) });
    return { reason: 'TOPIC_FORBIDDEN', detail: 'a will its client was not allowed to register, or no will' };
  }

  mayReceive(client: Client, topic: string): boolean {
    const principal = this.principals.get(client);
    if (principal !== undefined && this.policy.mayReceive(principal, topic)) return true;
    this.perimeter.stats.deliveriesWithheld++;
    return false;
  }

  /** How many open connections have a principal that matches. */
  countConnections(match: (principal: MqttPrincipal) => boolean): number {
    let open = 0;
    for (const [client, principal] of this.principals) if (!client.closed && match(principal)) open++;
    return open;
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

function isLogWorthy(count: number): boolean {
  return count === 1 || count === 10 || count === 100 || count === 1000 || (count >= 10_000 && count % 10_000 === 0);
}

function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
