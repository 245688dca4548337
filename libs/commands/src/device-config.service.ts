import type { AuditTrail } from '@hub/access';
import type { DeviceConfigView } from '@hub/api-types';
import type { HubLogger } from '@hub/common';
import { configTopic, type DeviceAddress } from '@hub/contract';
import { readDesiredConfig } from './command-input';
import type { CommandTransport, RefuseReport } from './command-ports';
import type { DeviceConfigRecord, DeviceConfigRepository } from './device-config.repository';
import { canonicalJson, parseReportedConfig } from './device-report.parser';
import { commandTarget, type CommandActor, type DeviceDirectory, readableDevice } from './device-target';

export interface DeviceConfigDeps {
  readonly configs: DeviceConfigRepository;
  readonly devices: DeviceDirectory;
  readonly transport: CommandTransport;
  readonly audit: AuditTrail;
  readonly refuse: RefuseReport;
  readonly logger: HubLogger;
  readonly clock?: () => number;
}

/**
 * Desired configuration (set by operators, published retained at QoS 1 on the device's config topic, so a device
 * gets it whenever it subscribes) and reported configuration (what the device says it applied, on
 * config/reported). Both are kept in SQLite; aedes' retained store is in memory, so the desired configs are
 * published again when the service starts.
 */
export class DeviceConfigService {
  /** Since start, for /metrics: desired configurations set by operators, and reports that changed what a device runs with. */
  readonly changeCounts = { desired: 0, reported: 0 };
  private readonly clock: () => number;
  /** Devices whose desired configuration this process has published (and so aedes retains). */
  private readonly publishedThisRun = new Set<string>();

  constructor(private readonly deps: DeviceConfigDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async setDesired(actor: CommandActor, deviceId: string, body: unknown): Promise<DeviceConfigView> {
    const target = commandTarget(this.deps.devices, actor, deviceId);
    const desired = readDesiredConfig(body);
    const now = this.clock();
    const before = this.deps.configs.get(deviceId);
    const record: DeviceConfigRecord = { ...(before ?? emptyRecord(deviceId, target.domain)), domain: target.domain, desired, desiredAt: now, desiredBy: actor.name };
    this.deps.configs.transaction(() => {
      this.deps.configs.save(record);
      this.deps.audit.record({ at: now, actor: actor.name, action: 'device.config.set', targetType: 'device', targetId: deviceId, detail: { desired, previous: before?.desired ?? null } });
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

  get(actor: CommandActor, deviceId: string): DeviceConfigView {
    readableDevice(this.deps.devices, actor, deviceId);
    return toConfigView(this.deps.configs.get(deviceId) ?? emptyRecord(deviceId, ''));
  }

  /**
   * A message on the device's config/reported topic: kept as its reported configuration; a change is audited.
   * Resolves when the message may be acknowledged (a refusal: once its dead letter is committed).
   */
  reported(device: DeviceAddress, clientId: string, topic: string, payload: Uint8Array): Promise<void> {
    const now = this.clock();
    const parsed = parseReportedConfig(payload);
    if (!parsed.ok) {
      return this.deps.refuse({ receivedAt: now, clientId, deviceId: device.deviceId, domain: device.domain, topic, payload, ...parsed.refusal });
    }
    const before = this.deps.configs.get(device.deviceId) ?? emptyRecord(device.deviceId, device.domain);
    const changed = before.reported === null || canonicalJson(before.reported) !== canonicalJson(parsed.value);
    const after = { ...before, reported: parsed.value, reportedAt: now };
    this.deps.configs.transaction(() => {
      this.deps.configs.save(after);
      // A device may report on every connect: only a change is worth an entry.
      if (changed) this.deps.audit.record({ at: now, actor: device.deviceId, action: 'device.config.report', targetType: 'device', targetId: device.deviceId, detail: { reported: parsed.value, differs: toConfigView(after).differs } });
    });
    if (changed) this.changeCounts.reported++;
    return Promise.resolve();
  }

  /**
   * The device was deleted: its desired and reported configuration go (the audit log keeps every change); the broker
   * clears the retained copy on its config topic. Called inside the registry's transaction; returns rows removed.
   */
  forget(deviceId: string): number {
    this.publishedThisRun.delete(deviceId);
    return this.deps.configs.delete(deviceId);
  }

  /**
   * The device is connected: its desired configuration is published retained if this process has not published it
   * yet (aedes' retained store is in memory, empty after a restart). A subscription restored with the session gets
   * it live, a later SUBSCRIBE as the retained message.
   */
  async deviceReady(device: DeviceAddress): Promise<void> {
    if (this.publishedThisRun.has(device.deviceId)) return;
    const record = this.deps.configs.get(device.deviceId);
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
