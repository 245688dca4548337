import type { Domain } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';
import { DeviceKind, DeviceStatus, RegistryDevice } from './registry-device';

interface RegistryRow {
  device_id: string;
  domain: string | null;
  town: string | null;
  village: string | null;
  site: string | null;
  latitude: number | null;
  longitude: number | null;
  expected_interval_s: number | null;
  description: string;
  enabled: number;
  status: string;
  secret_hash: string | null;
  secret_issued_at: number | null;
  first_seen_address: string | null;
  connect_attempts: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  kind: string;
  gateway_id: string | null;
  gateway_domains: string;
  profile_id: string | null;
  dev_eui: string | null;
}

/** The device registry table. Whole rows in and out: the service keeps every device in memory and writes through. */
export class RegistryDeviceRepository {
  private readonly upsert;
  private readonly remove;

  constructor(private readonly db: SqliteDatabase) {
    this.upsert = db.prepare(
      `INSERT INTO registry_devices (device_id, domain, town, site, latitude, longitude, expected_interval_s, description, enabled, status,
         secret_hash, secret_issued_at, first_seen_address, connect_attempts, created_at, created_by, updated_at, kind, gateway_id, gateway_domains, profile_id, dev_eui, village)
       VALUES (@deviceId, @domain, @town, @site, @latitude, @longitude, @expectedIntervalS, @description, @enabled, @status,
         @secretHash, @secretIssuedAt, @firstSeenAddress, @connectAttempts, @createdAt, @createdBy, @updatedAt, @kind, @gatewayId, @gatewayDomains, @profileId, @devEui, @village)
       ON CONFLICT (device_id) DO UPDATE SET domain = excluded.domain, town = excluded.town, site = excluded.site,
         latitude = excluded.latitude, longitude = excluded.longitude, expected_interval_s = excluded.expected_interval_s,
         description = excluded.description, enabled = excluded.enabled, status = excluded.status, secret_hash = excluded.secret_hash,
         secret_issued_at = excluded.secret_issued_at, first_seen_address = excluded.first_seen_address,
         connect_attempts = excluded.connect_attempts, updated_at = excluded.updated_at, kind = excluded.kind,
         gateway_id = excluded.gateway_id, gateway_domains = excluded.gateway_domains,
         profile_id = excluded.profile_id, dev_eui = excluded.dev_eui, village = excluded.village`,
    );
    this.remove = db.prepare('DELETE FROM registry_devices WHERE device_id = ?');
  }

  loadAll(): RegistryDevice[] {
    return (this.db.prepare('SELECT * FROM registry_devices ORDER BY device_id').all() as RegistryRow[]).map(fromRow);
  }

  save(device: RegistryDevice): void {
    this.upsert.run(toRow(device));
  }

  /** Several devices in one transaction: all are written or none. */
  saveMany(devices: readonly RegistryDevice[]): void {
    this.db.transaction(() => {
      for (const device of devices) this.upsert.run(toRow(device));
    })();
  }

  /** Runs `work` in one transaction (nested ones become savepoints), e.g. devices and their audit entries together. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  delete(deviceId: string): void {
    this.remove.run(deviceId);
  }
}

function toRow(device: RegistryDevice): Record<string, unknown> {
  return { ...device, enabled: device.enabled ? 1 : 0, gatewayDomains: JSON.stringify(device.gatewayDomains) };
}

function fromRow(row: RegistryRow): RegistryDevice {
  return {
    deviceId: row.device_id,
    domain: row.domain as Domain | null,
    town: row.town,
    village: row.village,
    site: row.site,
    latitude: row.latitude,
    longitude: row.longitude,
    expectedIntervalS: row.expected_interval_s,
    description: row.description,
    enabled: row.enabled === 1,
    status: row.status as DeviceStatus,
    secretHash: row.secret_hash,
    secretIssuedAt: row.secret_issued_at,
    firstSeenAddress: row.first_seen_address,
    connectAttempts: row.connect_attempts,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    kind: row.kind as DeviceKind,
    gatewayId: row.gateway_id,
    gatewayDomains: JSON.parse(row.gateway_domains) as Domain[],
    profileId: row.profile_id,
    devEui: row.dev_eui,
  };
}
