import type { AuthenticateError, Client, Subscription } from 'aedes';
import { isLoginRefusal, MqttAccessPolicy, MqttPrincipal, MqttPublishRefusal, MqttRefusalCode } from '../../access/src/mqtt-access';
import type { HubLogger } from '../../common/src/hub-logger';

/** What aedes assigns when the CONNECT carried an empty client id: `aedes_` + a random UUID. */
const GENERATED_CLIENT_ID = /^aedes_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** CONNACK return codes [MQTT-3.2.2-3]. */
const RETURN_CODES: Record<MqttRefusalCode, number> = { 'identifier-rejected': 2, 'bad-username-or-password': 4, 'not-authorized': 5 };

export interface AccessCounters {
  /** Refused CONNECTs by `code/reason`, e.g. `bad-username-or-password/wrong-secret`. */
  readonly connectionsRefused: Map<string, number>;
  subscriptionsRefused: number;
}

/**
 * Translates between aedes' hooks and an MqttAccessPolicy: the principal decided at CONNECT is kept per client and
 * handed to the policy for every publish, subscription and delivery. No rule lives here.
 */
export class MqttAccessHooks {
  private readonly principals = new WeakMap<Client, MqttPrincipal>();
  /** Refused publishes per connection, so a device stuck on a wrong topic is logged at 1, 10, 100 … not every time. */
  private readonly refusedPublishes = new WeakMap<Client, number>();
  readonly counters: AccessCounters = { connectionsRefused: new Map(), subscriptionsRefused: 0 };

  constructor(
    private readonly policy: MqttAccessPolicy,
    private readonly logger: HubLogger,
    private readonly remoteAddressOf: (client: Client) => string | undefined,
  ) {}

  authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void): void {
    const remoteAddress = this.remoteAddressOf(client);
    // aedes names a client that sent an empty client id itself [MQTT-3.1.3-6]; the policy must see what was sent.
    const clientId = GENERATED_CLIENT_ID.test(client.id) ? '' : client.id;
    const result = this.policy.authenticate({ clientId, username, password, remoteAddress });
    if (!isLoginRefusal(result)) {
      this.principals.set(client, result);
      done(null, true);
      return;
    }
    const key = `${result.refused}/${result.reason ?? result.refused}`;
    this.counters.connectionsRefused.set(key, (this.counters.connectionsRefused.get(key) ?? 0) + 1);
    // Never the password; the username is what the client claimed, so it is clipped.
    this.logger.warn({ msg: 'MQTT connection refused', clientId: clip(client.id), username: clip(username ?? ''), remoteAddress, refused: result.refused, reason: result.reason, detail: result.detail });
    done(Object.assign(new Error(result.refused), { returnCode: RETURN_CODES[result.refused] }) as AuthenticateError, false);
  }

  /** Null when the client may publish on `topic`. A client without a principal (a departed client's will) may not. */
  publishRefusal(client: Client | null, topic: string): MqttPublishRefusal | null {
    const principal = client === null ? undefined : this.principals.get(client);
    const refusal = principal === undefined ? { reason: 'TOPIC_FORBIDDEN' as const, detail: 'no authenticated client' } : this.policy.publishRefusal(principal, topic);
    if (refusal !== null && client !== null) {
      const count = (this.refusedPublishes.get(client) ?? 0) + 1;
      this.refusedPublishes.set(client, count);
      if (isPowerOfTen(count)) this.logger.warn({ msg: 'MQTT publish refused', clientId: client.id, topic: clip(topic), reason: refusal.reason, detail: refusal.detail, refusedOnThisConnection: count });
    }
    return refusal;
  }

  /** aedes' authorizeSubscribe: a null subscription is SUBACK 0x80 for that filter [MQTT-3.9.3]. */
  authorizeSubscribe(client: Client, subscription: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    const principal = this.principals.get(client);
    const refusal = principal === undefined ? 'no authenticated client' : this.policy.subscriptionRefusal(principal, subscription.topic);
    if (refusal === null) {
      done(null, subscription);
      return;
    }
    this.counters.subscriptionsRefused++;
    this.logger.warn({ msg: 'MQTT subscription refused', clientId: client.id, filter: clip(subscription.topic), detail: refusal });
    done(null, null);
  }

  mayReceive(client: Client, topic: string): boolean {
    const principal = this.principals.get(client);
    return principal !== undefined && this.policy.mayReceive(principal, topic);
  }
}

function isPowerOfTen(count: number): boolean {
  return count === 1 || count === 10 || count === 100 || count === 1000 || (count >= 10_000 && count % 10_000 === 0);
}

function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
