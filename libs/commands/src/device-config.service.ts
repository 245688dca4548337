import type { DeviceConfigView } from '@hub/api-types';
import { type HubLogger, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import { configTopic, type DeviceAddress } from '@hub/contract';
import type { Store, Tx } from '@hub/store';
import { readDesiredConfig } from './command-input';
import type { CommandTransport, RefuseReport } from './command-ports';
import type { TransactionalAudit } from './device-commands.service';
import type { DeviceConfigRecord, DeviceConfigRepository } from './device-config.repository';
import { canonicalJson, parseReportedConfig } from './device-report.parser';
import { commandTarget, type CommandActor, type DeviceDirectory, readableDevice } from './device-target';

export interface DeviceConfigDeps {
  readonly store: Store;
  readonly configs: DeviceConfigRepository;
  readonly devices: DeviceDirectory;
  readonly transport: CommandTransport;
  readonly audit: TransactionalAudit;
  readonly refuse: RefuseReport;
  readonly logger: HubLogger;
  readonly clock?: () => number;
  /**
   * The broker shares retained messages with the other nodes (a cluster on Redis): a configuration another node set
   * and published has reached the device here already, and is what the device gets when it subscribes again.
   */
  readonly brokerSharedAcrossNodes?: boolean;
}

/**
 * Desired configuration (set by operators, published retained at QoS 1 on the device's config topic, so a device
 * gets it whenever it subscribes) and reported configuration (what the device says it applied, on
 * config/reported). Both are kept in the store; aedes' retained store is in memory on a single node (in Redis in a
 * cluster), so the desired configs are published again when the service starts.
 */
export class DeviceConfigService {
  /** Since start, for /metrics: desired configurations set by operators, and reports that changed what a device runs with. */
  readonly changeCounts = { desired: 0, reported: 0 };
  private readonly clock: () => number;
  /** Devices whose desired configuration this process has published (and so aedes retains). */
  private readonly publishedThisRun = new Set<string>();
  /** Devices with a desired configuration: a device-ready of any other costs no query (a reconnect storm stays cheap). */
  private readonly withDesired = new Set<string>();
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(private readonly deps: DeviceConfigDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** Which devices have a desired configuration, read once at start (before the broker takes connections). */
  async load(): Promise<void> {
    (await this.readAll())();
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Devices with a desired configuration, read again (set through another node): only ever added, as commands' readAll. */
  async readAll(): Promise<() => void> {
    const desired = await this.deps.configs.devicesWithDesired();
    return () => desired.forEach((deviceId) => this.withDesired.add(deviceId));
  }

  /**
   * Devices another node set a desired configuration for: no read needed (device-ready asks the database). What this
   * node published before is stale now: published again at the device's next ready here, or at once when it is
   * connected here (the node that set it has no connection of it).
   */
  async readKeys(deviceIds: readonly string[]): Promise<() => void> {
    return () => {
      for (const deviceId of deviceIds) {
        this.withDesired.add(deviceId);
        // Published again here only where the other node's publish did not reach this broker (no shared fabric).
        if (this.deps.brokerSharedAcrossNodes === true) continue;
        this.publishedThisRun.delete(deviceId);
        const device = this.deps.devices.find(deviceId);
        if (device?.domain == null || this.deps.transport.connectionOf(deviceId) === undefined) continue;
        this.deviceReady({ deviceId, domain: device.domain }).catch((error: unknown) => this.deps.logger.warn({ msg: 'Could not publish the configuration another node set', deviceId, error }));
      }
    };
  }

  async setDesired(actor: CommandActor, deviceId: string, body: unknown): Promise<DeviceConfigView> {
    const target = commandTarget(this.deps.devices, actor, deviceId);
    const desired = readDesiredConfig(body);
    const now = this.clock();
    const record = await this.deps.store.tx(async (tx) => {
      // The row is read under its lock: a report arriving meanwhile must not put the previous desired config back.
      await tx.lock(`device-config:${deviceId}`);
      const before = await this.deps.configs.get(deviceId, tx.exec);
      const next: DeviceConfigRecord = { ...(before ?? emptyRecord(deviceId, target.domain)), domain: target.domain, desired, desiredAt: now, desiredBy: actor.name };
      await this.deps.configs.save(next, tx.exec);
      await this.deps.audit.record({ at: now, actor: actor.name, action: 'device.config.set', targetType: 'device', targetId: deviceId, detail: { desired, previous: before?.desired ?? null } }, tx.exec);
      tx.afterCommit(() => {
        this.withDesired.add(deviceId);
        this.shared.changed([deviceId]);
      });
      return next;
    });
    this.changeCounts.desired++;
    this.publishedThisRun.add(deviceId);
    try {
      await this.deps.transport.publish(configTopic(target.domain, deviceId), JSON.stringify(desired), 1, true);
    } catch (error) {
      // Stored: it is published when the device next connects.
      this.publishedThisRun.delete(deviceId);
      this.deps.logger.error({ msg: 'Could not publish a desired configuration; it goes out when the device next connects', deviceId, error });
    }
    return toConfigView(record);
  }

  async get(actor: CommandActor, deviceId: string): Promise<DeviceConfigView> {
    readableDevice(this.deps.devices, actor, deviceId);
    return toConfigView((await this.deps.configs.get(deviceId)) ?? emptyRecord(deviceId, ''));
  }

  /**
   * A message on the device's config/reported topic: kept as its reported configuration; a change is audited.
   * Resolves when the message may be acknowledged (a refusal: once its dead letter is committed; a report: once stored).
   */
  async reported(device: DeviceAddress, clientId: string, topic: string, payload: Uint8Array): Promise<void> {
    const now = this.clock();
    const parsed = parseReportedConfig(payload);
    if (!parsed.ok) {
      return this.deps.refuse({ receivedAt: now, clientId, deviceId: device.deviceId, domain: device.domain, topic, payload, ...parsed.refusal });
    }
    const changed = await this.deps.store.tx(async (tx) => {
      await tx.lock(`device-config:${device.deviceId}`);
      const before = (await this.deps.configs.get(device.deviceId, tx.exec)) ?? emptyRecord(device.deviceId, device.domain);
      const differsFromBefore = before.reported === null || canonicalJson(before.reported) !== canonicalJson(parsed.value);
      const after = { ...before, reported: parsed.value, reportedAt: now };
      await this.deps.configs.save(after, tx.exec);
      // A device may report on every connect: only a change is worth an entry.
      if (differsFromBefore) {
        await this.deps.audit.record({ at: now, actor: device.deviceId, action: 'device.config.report', targetType: 'device', targetId: device.deviceId, detail: { reported: parsed.value, differs: toConfigView(after).differs } }, tx.exec);
      }
      return differsFromBefore;
    });
    if (changed) this.changeCounts.reported++;
  }

  /**
   * The device was deleted: its desired and reported configuration go (the audit log keeps every change); the broker
   * clears the retained copy on its config topic. Called inside the registry's transaction; returns rows removed.
   */
  async forget(deviceId: string, tx: Tx): Promise<number> {
    const removed = await this.deps.configs.delete(deviceId, tx.exec);
    tx.afterCommit(() => {
      this.publishedThisRun.delete(deviceId);
      this.withDesired.delete(deviceId);
    });
    return removed;
  }

  /**
   * The device is connected: its desired configuration is published retained if this process has not published it
   * yet (aedes' retained store is in memory, empty after a restart). A subscription restored with the session gets
   * it live, a later SUBSCRIBE as the retained message.
   */
  async deviceReady(device: DeviceAddress): Promise<void> {
    if (this.publishedThisRun.has(device.deviceId) || !this.withDesired.has(device.deviceId)) return;
    const record = await this.deps.configs.get(device.deviceId);
    if (record === undefined || record.desired === null) return;
    this.publishedThisRun.add(device.deviceId);
    try {
      await this.deps.transport.publish(configTopic(device.domain, device.deviceId), JSON.stringify(record.desired), 1, true);
    } catch (error) {
      this.publishedThisRun.delete(device.deviceId);
      throw error;
    }
  }
}

function emptyRecord(deviceId: string, domain: string): DeviceConfigRecord {
  return { deviceId, domain, desired: null, desiredAt: null, desiredBy: null, reported: null, reportedAt: null };
}

export function toConfigView(record: DeviceConfigRecord): DeviceConfigView {
  const differs = record.desired !== null && (record.reported === null || canonicalJson(record.desired) !== canonicalJson(record.reported));
  const { deviceId, desired, desiredAt, desiredBy, reported, reportedAt } = record;
  return { deviceId, desired, desiredAt, desiredBy, reported, reportedAt, differs };
}
