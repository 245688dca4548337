import type { MqttAccessPolicy, MqttLoginAttempt, MqttLoginRefusal, MqttPrincipal, MqttPublishRefusal, MqttRefusalCode } from '@hub/access';
import { isDomainName, parseSensorTopic, DEVICE_ID_PATTERN, type TopicParse } from '@hub/contract';
import { deviceSecretMatches, hashDeviceSecret } from './device-secret';
import { deviceMayPublish, deviceMayReceive, devicePublishRefusal, deviceSubscriptionRefusal } from './device-topic.acl';
import type { DeviceRegistryService } from './device-registry.service';
import { gatewayPublishRefusal, gatewaySubscriptionRefusal } from './gateway-topic.acl';
import { EMPTY_DETAILS, NO_GATEWAY, RegistryDevice } from './registry-device';

/**
 * registered: only provisioned devices connect. quarantine: for a first deployment, an unknown device is let in and
 * listed for an operator to approve; what it sends is held as dead letters until then.
 */
export type DeviceAdmission = 'registered' | 'quarantine';

/** Quarantine must not let anyone fill the registry by inventing device ids. */
export const MAX_QUARANTINED_DEVICES = 10_000;
/**
 * Trust on first use keeps a presented secret only when it can be a real one (32 bytes, e.g. `openssl rand -base64 32`
 * gives 44): a short or human-chosen password is replaced by a generated secret at approval.
 */
export const MIN_KEPT_SECRET_BYTES = 32;

/**
 * MQTT access for field devices: who may connect (username = client id = device id, password = the device's
 * secret), and the topic ACL (a device publishes only on its own telemetry, status, commands/reply and
 * config/reported topics and subscribes only to its own commands and config topics; a gateway also does both on
 * the topics of the devices registered under it). Usernames that are not device ids (integration clients such as `water.scada`)
 * are refused here; another policy answers for them.
 */
export class DeviceAccessPolicy implements MqttAccessPolicy {
  constructor(
    private readonly registry: DeviceRegistryService,
    private readonly admission: DeviceAdmission,
  ) {}

  authenticate(attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal {
    const quarantine = this.admission === 'quarantine';
    // A device without credentials can only be a quarantined newcomer, known by its client id.
    const deviceId = attempt.username === undefined || attempt.username === '' ? (quarantine ? attempt.clientId : undefined) : attempt.username;
    if (deviceId === undefined) return refuse('bad-username-or-password', 'no-credentials', 'no username: a device connects with its id as username and its secret as password');
    // [MQTT-3.1.3-2] the client id names the session: one device must not be able to take over another's.
    if (attempt.clientId !== deviceId) return refuse('identifier-rejected', 'client-id-mismatch', `client id ${clip(attempt.clientId)} is not the username ${clip(deviceId)}`);
    const device = this.registry.find(deviceId);
    if (device === undefined) {
      if (quarantine && DEVICE_ID_PATTERN.test(deviceId)) return this.quarantineNewcomer(deviceId, attempt);
      deviceSecretMatches(attempt.password, null); // the same work as for a known device: timing tells nothing
      return refuse('bad-username-or-password', 'unknown-device', `no device ${clip(deviceId)} in the registry`);
    }
    if (device.status === 'rejected') return refuse('not-authorized', 'rejected', `device ${deviceId} was rejected by an operator`);
    if (device.status === 'quarantined') return quarantine ? this.quarantineReturning(device, attempt) : refuse('not-authorized', 'quarantined', `device ${deviceId} is quarantined and quarantine mode is off`);
    if (device.secretHash === null) return refuse('bad-username-or-password', 'revoked', `device ${deviceId} has no secret (revoked)`);
    // The secret before the enabled flag: only the holder of the secret learns that the device is disabled.
    if (!deviceSecretMatches(attempt.password, device.secretHash)) return refuse('bad-username-or-password', 'wrong-secret', `wrong secret for device ${deviceId}`);
    if (!device.enabled) return refuse('not-authorized', 'disabled', `device ${deviceId} is disabled`);
    if (device.domain === null) return refuse('not-authorized', 'no-domain', `device ${deviceId} has no domain`);
    return { kind: 'device', deviceId, domain: device.domain, town: device.town, site: device.site };
  }

  publishRefusal(principal: MqttPrincipal, topic: string): MqttPublishRefusal | null {
    if (principal.kind === 'device') {
      if (deviceMayPublish(principal, topic)) return null;
      // A domain nobody defined is the contract's DOMAIN_UNKNOWN whoever sends it, not a question of this sender's rights.
      const parsed = parseSensorTopic(topic, this.registry.catalogue.current());
      const unknownDomain = unknownDomainOf(parsed, topic);
      if (unknownDomain !== null) return { reason: 'DOMAIN_UNKNOWN', detail: unknownDomain, deviceId: principal.deviceId, domain: principal.domain };
      // A gateway also publishes on its children's own topics (checked without building a device's refusal text on
      // every message); what is refused is filed under the gateway, whose configuration is wrong, not under the
      // device it named (which may be another gateway's).
      const gateway = this.registry.find(principal.deviceId);
      const refusal = gateway?.kind === 'gateway' ? gatewayPublishRefusal(gateway, parsed, topic, (id) => this.registry.find(id)) : devicePublishRefusal(principal, topic);
      return refusal === null ? null : { reason: 'TOPIC_FORBIDDEN', detail: refusal, deviceId: principal.deviceId, domain: principal.domain };
    }
    if (principal.kind === 'quarantined') return this.quarantinedPublish(principal.deviceId, topic);
    return { reason: 'TOPIC_FORBIDDEN', detail: `${principal.name} is not a device` };
  }

  subscriptionRefusal(principal: MqttPrincipal, filter: string): string | null {
    if (principal.kind === 'device') {
      if (deviceMayReceive(principal, filter)) return null;
      // A gateway also subscribes to its children's commands and config, to relay them (gateway-topic.acl.ts).
      const gateway = this.registry.find(principal.deviceId);
      return gateway?.kind === 'gateway' ? gatewaySubscriptionRefusal(gateway, filter, (id) => this.registry.find(id)) : deviceSubscriptionRefusal(principal, filter);
    }
    if (principal.kind === 'quarantined') return `device ${principal.deviceId} is quarantined: no subscriptions until it is approved`;
    return `${principal.name} is not a device`;
  }

  mayReceive(principal: MqttPrincipal, topic: string): boolean {
    if (principal.kind !== 'device') return false;
    if (deviceMayReceive(principal, topic)) return true;
    // Checked again at each delivery, not only at SUBSCRIBE: a child moved to another gateway, disabled or deleted
    // stops reaching its old gateway at once.
    const gateway = this.registry.find(principal.deviceId);
    return gateway?.kind === 'gateway' && gatewaySubscriptionRefusal(gateway, topic, (id) => this.registry.find(id)) === null;
  }

  private quarantineNewcomer(deviceId: string, attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal {
    const waiting = this.registry.list().filter((device) => device.status === 'quarantined').length;
    if (waiting >= MAX_QUARANTINED_DEVICES) return refuse('not-authorized', 'quarantine-full', `${waiting} devices already wait in quarantine`);
    const now = this.registry.now();
    const keep = attempt.password !== undefined && attempt.password.length >= MIN_KEPT_SECRET_BYTES;
    this.registry.storeFromBroker({
      ...EMPTY_DETAILS,
      ...NO_GATEWAY,
      deviceId,
      domain: null,
      status: 'quarantined',
      secretHash: keep ? hashDeviceSecret(attempt.password as Buffer) : null,
      secretIssuedAt: keep ? now : null,
      firstSeenAddress: attempt.remoteAddress ?? null,
      connectAttempts: 1,
      createdAt: now,
      createdBy: 'quarantine',
      updatedAt: now,
    });
    return { kind: 'quarantined', deviceId };
  }

  /** Back again before approval: it must present the secret it came with the first time (when one was kept). */
  private quarantineReturning(device: RegistryDevice, attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal {
    if (device.secretHash !== null && !deviceSecretMatches(attempt.password, device.secretHash)) {
      return refuse('bad-username-or-password', 'wrong-secret', `quarantined device ${device.deviceId} came with another secret than at first`);
    }
    this.registry.storeFromBroker({ ...device, connectAttempts: device.connectAttempts + 1, updatedAt: this.registry.now() });
    return { kind: 'quarantined', deviceId: device.deviceId };
  }

  /** Held (DEVICE_QUARANTINED) on its own topics, whose domain is noted the first time; refused elsewhere. */
  private quarantinedPublish(deviceId: string, topic: string): MqttPublishRefusal {
    const parsed = parseSensorTopic(topic, this.registry.catalogue.current());
    const unknownDomain = unknownDomainOf(parsed, topic);
    if (unknownDomain !== null) return { reason: 'DOMAIN_UNKNOWN', detail: unknownDomain, deviceId };
    if (!parsed.ok || parsed.address.deviceId !== deviceId) {
      return { reason: 'TOPIC_FORBIDDEN', detail: `device ${deviceId} may publish only on sensors/{domain}/${deviceId}/telemetry and …/status, not on ${clip(topic)}`, deviceId };
    }
    const device = this.registry.find(deviceId);
    if (device !== undefined && device.domain === null) this.registry.storeFromBroker({ ...device, domain: parsed.address.domain, updatedAt: this.registry.now() });
    return {
      reason: 'DEVICE_QUARANTINED',
      detail: `device ${deviceId} is quarantined: held until an operator approves it`,
      deviceId,
      domain: parsed.address.domain,
    };
  }
}

/**
 * The detail of DOMAIN_UNKNOWN when `topic` has a device topic's shape and a well-formed domain name the catalogue
 * does not hold (`sensors/sewage/w-1/telemetry`); null otherwise. A segment that cannot be a domain at all (a NUL,
 * upper case) is the ACL's TOPIC_FORBIDDEN, as before: the sender is not talking the contract.
 */
function unknownDomainOf(parsed: TopicParse, topic: string): string | null {
  if (parsed.ok || parsed.reason !== 'DOMAIN_UNKNOWN') return null;
  return isDomainName(topic.split('/', 2)[1] ?? '') ? parsed.detail : null;
}

function refuse(refused: MqttRefusalCode, reason: string, detail: string): MqttLoginRefusal {
  return { refused, reason, detail };
}

function clip(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}
