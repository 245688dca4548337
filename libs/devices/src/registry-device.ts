import type { Domain } from '@hub/contract';
import type { DeviceKind, DeviceStatus } from '@hub/api-types';

/**
 * active: provisioned (or approved) and allowed to report. quarantined: an unknown device let in by quarantine mode,
 * waiting for an operator; what it sends is held as dead letters. rejected: an operator turned it away; refused at
 * CONNECT from then on (delete it to let it knock again).
 */
export { DEVICE_STATUSES } from '@hub/api-types';
export type { DeviceStatus };
export { DEVICE_KINDS } from '@hub/api-types';
export type { DeviceKind };

/** What an operator says about a device: where it is and what to expect of it. */
export interface DeviceDetails {
  readonly town: string | null;
  /** A registered village of its town (GET /api/areas); null when none. */
  readonly village: string | null;
  readonly site: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  /** How often the device should report, in seconds; what a no-data rule or a field engineer compares against. */
  readonly expectedIntervalS: number | null;
  readonly description: string;
  readonly enabled: boolean;
  /** The device profile its payloads are decoded by (GET /api/device-profiles); null: the hub's own contract. */
  readonly profileId: string | null;
  /** A LoRaWAN device's DevEUI (16 lower-case hex digits): how a network server's uplinks find it. */
  readonly devEui: string | null;
}

/**
 * Where a device stands among gateways: a gateway with the domains it may speak for, or a device with the gateway
 * that publishes for it (null: it reports only for itself).
 */
export interface GatewayLink {
  readonly kind: DeviceKind;
  /** A child's gateway; always null for a gateway (gateways do not nest). */
  readonly gatewayId: string | null;
  /** A gateway's domains (never empty); always empty for a device. */
  readonly gatewayDomains: readonly Domain[];
}

export const NO_GATEWAY: GatewayLink = { kind: 'device', gatewayId: null, gatewayDomains: [] };

export interface NewDevice extends DeviceDetails, GatewayLink {
  readonly deviceId: string;
  readonly domain: Domain;
}

/** A gateway's domains and a child's gateway may change (a meter moved to another DTU); the kind may not. */
export type DevicePatch = Partial<DeviceDetails> & Partial<Pick<GatewayLink, 'gatewayId' | 'gatewayDomains'>>;

/** A row of the registry, credential included (as a hash): never sent over the API as is. */
export interface RegistryDevice extends DeviceDetails, GatewayLink {
  readonly deviceId: string;
  /** Null only for a quarantined device that has not published yet (its domain is learnt from its first topic). */
  readonly domain: Domain | null;
  readonly status: DeviceStatus;
  readonly secretHash: string | null;
  readonly secretIssuedAt: number | null;
  /** Quarantine: the address of the first CONNECT and how many CONNECTs came since. */
  readonly firstSeenAddress: string | null;
  readonly connectAttempts: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
}

export const EMPTY_DETAILS: DeviceDetails = {
  town: null,
  village: null,
  site: null,
  latitude: null,
  longitude: null,
  expectedIntervalS: null,
  description: '',
  enabled: true,
  profileId: null,
  devEui: null,
};
