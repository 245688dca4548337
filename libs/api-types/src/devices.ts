import type { ReadingResolution } from '@hub/contract';

/**
 * active: provisioned (or approved) and allowed to report. quarantined: an unknown device let in by quarantine mode,
 * waiting for an operator; what it sends is held as dead letters. rejected: an operator turned it away; refused at
 * CONNECT from then on (delete it to let it knock again).
 */
export const DEVICE_STATUSES = ['active', 'quarantined', 'rejected'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/**
 * device: reports for itself. gateway: a DTU, RTU or substation concentrator that also publishes for the devices
 * registered under it (its children), on their own topics, over its one connection.
 */
export const DEVICE_KINDS = ['device', 'gateway'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * A device as the API shows it: what the registry says (where, what to expect, its standing, when its secret was
 * issued — never the secret or its hash) merged with what presence saw (online, last seen, last values).
 * `registered: false` marks a device heard from before the registry existed, or deleted from it since: its
 * history stays readable.
 */
export interface DeviceView {
  readonly deviceId: string;
  readonly domain: string | null;
  readonly registered: boolean;
  /** Null for a device only presence knows (not in the registry). */
  readonly kind: DeviceKind | null;
  /** A child: the gateway that publishes for it (it may still connect with its own credential). */
  readonly gatewayId: string | null;
  /** A gateway: the domains it may speak for; empty for other devices. */
  readonly gatewayDomains: readonly string[];
  /** A gateway: how many devices are registered under it; null for other devices. */
  readonly childCount: number | null;
  readonly status: DeviceStatus | null;
  readonly enabled: boolean | null;
  readonly town: string | null;
  readonly village: string | null;
  readonly site: string | null;
  readonly location: { readonly latitude: number; readonly longitude: number } | null;
  readonly expectedIntervalS: number | null;
  readonly description: string;
  /** The device profile its payloads are decoded by; null: the hub's own JSON contract. */
  readonly profileId: string | null;
  /** A LoRaWAN device's DevEUI, 16 lower-case hex digits. */
  readonly devEui: string | null;
  readonly hasSecret: boolean;
  readonly secretIssuedAt: number | null;
  readonly provisionedAt: number | null;
  readonly provisionedBy: string | null;
  /** Quarantine: where it first connected from and how often it has tried. */
  readonly firstSeenAddress: string | null;
  readonly connectAttempts: number | null;
  readonly online: boolean;
  readonly clientId: string | null;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly lastReadingTs: number | null;
  readonly lastValues: Readonly<Record<string, number>>;
  readonly lastValueTs: Readonly<Record<string, number>>;
  readonly statusChangedAt: number | null;
}

/**
 * A device of the fleet (GET /api/devices merges the registry with presence): active in the registry, or heard from
 * before the registry existed, so its domain is known. Devices waiting in quarantine or rejected are not part of it.
 */
export type FleetDevice = DeviceView & { readonly domain: string };

/** What presence knows of a device (the `device` of a live device change). */
export interface PresenceView {
  readonly deviceId: string;
  readonly domain: string;
  readonly clientId: string | null;
  readonly online: boolean;
  readonly firstSeen: number;
  /** Receive time of the last message from the device (telemetry or status). */
  readonly lastSeen: number;
  /** Event time of the newest reading stored for the device. */
  readonly lastReadingTs: number | null;
  readonly lastValues: Readonly<Record<string, number>>;
  readonly lastValueTs: Readonly<Record<string, number>>;
  readonly statusChangedAt: number;
}

/** A `device` event of /api/events: a device appearing, going offline, coming back. */
export interface DeviceChange {
  readonly change: 'new' | 'online' | 'offline';
  readonly device: PresenceView;
}

export interface ReadingSeries {
  readonly unit: string;
  /** [bucket start (epoch ms), mean value] in time order: the mean of the readings (from aggregates: sum / count). */
  readonly points: [number, number][];
  /** [bucket start, least reading], [bucket start, greatest reading], [bucket start, number of readings]: same buckets. */
  readonly min: [number, number][];
  readonly max: [number, number][];
  readonly count: [number, number][];
}

/** Where a part of an answer's range was read from: raw readings, or per-minute or per-hour aggregates. */
export interface ReadingSource {
  readonly resolution: ReadingResolution;
  /** [from, to) in epoch ms. */
  readonly from: number;
  readonly to: number;
}

/** GET /api/devices/:id/readings: each metric's mean, min, max and count per bucket of `everyMs`. */
export interface DeviceReadings {
  readonly deviceId: string;
  readonly domain: string;
  /** The range served: widened to whole aggregate buckets when aggregates answer (an hour's aggregate is all or none). */
  readonly from: number;
  readonly to: number;
  readonly everyMs: number;
  /**
   * The coarsest resolution the answer used: the hub takes the coarsest whose buckets fit `every` (1h for every ≥ 1h,
   * 1m for whole minutes) where it is aggregated, and the finer ones (down to raw) for the recent rest; `sources` says
   * which part came from where.
   */
  readonly resolution: ReadingResolution;
  readonly sources: readonly ReadingSource[];
  readonly metrics: Record<string, ReadingSeries>;
}
