import { isLoginRefusal, MqttAccessPolicy, MqttLoginRefusal, MqttPrincipal } from '@hub/access';
import { RejectReason } from '@hub/contract';
import { AckCallback } from '../ordered-acks';
import { IngestReceipt, IngestService, PublishingClient } from '../ingest.service';
import { isMalformedCredential, readDeviceCredential } from './device-credential';

/**
 * The failed-login back-off of the MQTT perimeter (MqttPerimeter fits): one budget per address for both ways in, so
 * a guesser gains nothing by alternating between MQTT and HTTP; `'http'` keeps these refusals out of the MQTT
 * login counts.
 */
export interface LoginBackoffPort {
  loginBlocked(remoteAddress: string | undefined, channel: 'http'): boolean;
  loginRefused(remoteAddress: string | undefined, clientId: string, username: string | undefined, refusal: MqttLoginRefusal, channel: 'http'): void;
}

/** Whether the writer can take more now (InfluxWriter fits). */
export interface WriterRoom {
  readonly acceptsMore: boolean;
}

export interface DeviceLoginAttempt {
  /** Domain and device id of the path: the device the readings are for. */
  readonly deviceId: string;
  readonly authorization: string | undefined;
  readonly remoteAddress: string | undefined;
}

/** `refused`: blocked — the address is in back-off; unauthenticated — no or a wrong credential; not-authorized — a valid one that may not send. */
export type DeviceLogin =
  | { readonly principal: MqttPrincipal; readonly clientId: string }
  | { readonly refused: 'blocked' | 'unauthenticated' | 'not-authorized'; readonly message: string };

export interface PostedTelemetry {
  readonly login: { readonly principal: MqttPrincipal; readonly clientId: string };
  readonly domain: string;
  readonly deviceId: string;
  readonly payload: Uint8Array;
}

/**
 * taken: durable, as a PUBACK would promise (the receipt says what became of each entry); held: a quarantined
 * device's readings, dead-lettered DEVICE_QUARANTINED until an operator approves it; forbidden: not the sender's to
 * send (TOPIC_FORBIDDEN, dead-lettered); busy: nothing taken, try again later (memory full, shutting down, or the
 * dead-letter store failing).
 */
export type PostOutcome =
  | { readonly kind: 'taken' | 'held' | 'forbidden'; readonly receipt: IngestReceipt }
  | { readonly kind: 'busy'; readonly reason: string };

/** What a credential that fails tells the client: never which part was wrong (it would help a guesser). */
const UNAUTHENTICATED = 'unknown device or wrong secret: send the device secret as "Authorization: Bearer <secret>" or Basic <device id>:<secret>';
const NOT_AUTHORIZED = 'this device may not send readings (disabled, rejected, without a domain, or waiting in quarantine while quarantine mode is off)';

/**
 * Telemetry posted over HTTP by devices that cannot keep an MQTT connection (NB-IoT meters through the carrier's
 * platform, cheap 4G loggers, other departments' systems). Not a second pipeline: the device logs in through the
 * same access policy as an MQTT CONNECT (registry, secrets, quarantine) behind the same failed-login back-off, the
 * path is checked by the same topic ACL as a PUBLISH on `sensors/{domain}/{deviceId}/telemetry`, and the body goes
 * through IngestService like a QoS 1 payload — validation, dead letters, de-duplication, accounting, the writer —
 * answered when it is durable, the moment a PUBACK would go out.
 */
export class HttpIngestService {
  constructor(
    private readonly policy: MqttAccessPolicy,
    private readonly backoff: LoginBackoffPort,
    private readonly ingest: IngestService,
    private readonly room: WriterRoom,
    readonly maxPayloadBytes: number,
  ) {}

  login(attempt: DeviceLoginAttempt): DeviceLogin {
    const credential = readDeviceCredential(attempt.authorization, attempt.deviceId);
    const clientId = isMalformedCredential(credential) ? attempt.deviceId : (credential.username ?? attempt.deviceId);
    if (this.backoff.loginBlocked(attempt.remoteAddress, 'http')) return { refused: 'blocked', message: 'too many refused logins from this address; try again later' };
    if (isMalformedCredential(credential)) {
      this.backoff.loginRefused(attempt.remoteAddress, clientId, undefined, { refused: 'bad-username-or-password', reason: 'malformed-credentials', detail: credential.malformed }, 'http');
      return { refused: 'unauthenticated', message: `${credential.malformed}; ${UNAUTHENTICATED}` };
    }
    // The client id of an MQTT device is its username: an HTTP request has no session to take over.
    const decision = this.policy.authenticate({ clientId, username: credential.username, password: credential.password, remoteAddress: attempt.remoteAddress });
    if (!isLoginRefusal(decision)) return { principal: decision, clientId };
    this.backoff.loginRefused(attempt.remoteAddress, clientId, credential.username, decision, 'http');
    return decision.refused === 'not-authorized' ? { refused: 'not-authorized', message: NOT_AUTHORIZED } : { refused: 'unauthenticated', message: UNAUTHENTICATED };
  }

  /** False when the writer's memory is full: answer "later" before reading the body, as the broker stops reading a socket. */
  get acceptsMore(): boolean {
    return this.room.acceptsMore;
  }

  /** A body over HUB_MAX_PAYLOAD_BYTES, refused unread and dead-lettered (PAYLOAD_TOO_LARGE) as an oversize MQTT packet is. */
  async refuseOversized(post: Omit<PostedTelemetry, 'payload'>, bytes: number | null): Promise<PostOutcome> {
    const size = bytes === null ? `more than ${this.maxPayloadBytes} bytes` : `${bytes} bytes`;
    return this.recordRefusal(post, 'PAYLOAD_TOO_LARGE', `payload is ${size}, limit ${this.maxPayloadBytes}`);
  }

  async post(post: PostedTelemetry): Promise<PostOutcome> {
    const topic = topicOf(post);
    const refusal = this.policy.publishRefusal(post.login.principal, topic);
    if (refusal !== null) return this.recordRefusal(post, refusal.reason, refusal.detail, post.payload, refusal.deviceId, refusal.domain);
    if (!this.room.acceptsMore) return { kind: 'busy', reason: 'the service holds as many readings in memory as it may (InfluxDB and the outage spool cannot take more now)' };
    let receipt: IngestReceipt | Promise<IngestReceipt> | undefined;
    const error = await new Promise<Error | null>((resolve) => {
      receipt = this.ingest.handlePost(connectionless(post.login.clientId), topic, post.payload, settled(resolve));
    });
    // A decoded payload's receipt is known once decoded, which is before it is durable: already settled here.
    return error === null && receipt !== undefined ? { kind: 'taken', receipt: await receipt } : { kind: 'busy', reason: error?.message ?? 'not taken' };
  }

  private async recordRefusal(post: Omit<PostedTelemetry, 'payload'>, reason: RejectReason, detail: string, payload: Uint8Array = new Uint8Array(0), deviceId?: string, domain?: string): Promise<PostOutcome> {
    const refusal = { reason, detail, deviceId: deviceId ?? ownDeviceId(post.login.principal), domain: domain ?? post.domain };
    const error = await new Promise<Error | null>((resolve) => this.ingest.refusePublish(connectionless(post.login.clientId), topicOf(post), payload, refusal, settled(resolve)));
    if (error !== null) return { kind: 'busy', reason: error.message };
    const receipt: IngestReceipt = { accepted: 0, duplicates: 0, refused: [{ reason, detail }] };
    return { kind: reason === 'DEVICE_QUARANTINED' ? 'held' : reason === 'TOPIC_FORBIDDEN' ? 'forbidden' : 'taken', receipt };
  }
}

/** The topic a PUBLISH of the same readings would have used: the ACL, the topic parser and dead letters read it. */
function topicOf(post: { domain: string; deviceId: string }): string {
  return `sensors/${post.domain}/${post.deviceId}/telemetry`;
}

/** One per request: HTTP requests promise no order between them, so none waits for another's acknowledgement. */
function connectionless(id: string): PublishingClient {
  return { id, connectionless: true };
}

function ownDeviceId(principal: MqttPrincipal): string | undefined {
  return principal.kind === 'integration' ? undefined : principal.deviceId;
}

function settled(resolve: (error: Error | null) => void): AckCallback {
  return (error) => resolve(error ?? null);
}
