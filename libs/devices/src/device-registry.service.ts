import { AccessScope, scopeCovers } from '@hub/access';
import { areaPathOf, type HubLogger, type DomainIssue, quoted, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { TagSet } from '@hub/influx';
import type { CatalogueSource, Domain } from '@hub/contract';
import type { Executor, NewAuditEntry, Store, Tx } from '@hub/store';
import { parseDevicePatch, parseNewDevice, RawDevice } from './device-fields';
import { DeviceConflictError, DeviceNotFoundError, DeviceOutOfScopeError, InvalidDeviceError } from './device-registry.errors';
import { generateDeviceSecret, hashDeviceSecret } from './device-secret';
import { gatewayLinkRefusal, LinkedDevice } from './gateway-link';
import { EMPTY_DETAILS, NewDevice, NO_GATEWAY, RegistryDevice } from './registry-device';
import type { RegistryDeviceRepository } from './registry-device.repository';
import { RegistryWriteBehind } from './registry-write-behind';
import { SerialQueue } from './serial-queue';

/** Who is changing the registry: their name goes to the audit log, their scope bounds what they may touch. */
export interface RegistryActor {
  readonly name: string;
  readonly scope: AccessScope;
}

/** The broker's side: ends a device's MQTT session when its credential or standing changes. */
export interface DeviceSessions {
  disconnect(deviceId: string): void;
  /**
   * A device gone for good (deleted): its session ends without publishing its last will, and the status it left
   * retained on sensors/{domain}/{id}/status is cleared, so a subscriber is not told of a device that no longer exists.
   */
  retire(deviceId: string, domain: Domain | null): void;
}

/**
 * Another feature's rows for a device (its commands, its configuration), removed with the device in the same
 * transaction; returns how many of what it removed, for the audit entry of the deletion.
 */
export type DeviceRemovalHook = (deviceId: string, tx: Tx) => Promise<Readonly<Record<string, number>>>;

/** The device profiles a device may name (the profiles feature): each profile's domain, undefined when none has the id. */
export interface ProfileDirectory {
  domainOf(profileId: string): Domain | undefined;
}

/**
 * The areas feature, as the registry needs it: a device's village must be a registered village of its town, and a
 * town a device names for the first time is registered on the spot (see AreasService).
 */
export interface AreaDirectory {
  hasVillage(town: string, village: string): boolean;
  /** The same question of the database, in `tx` (under the placement lock: memory may not have caught up yet). */
  villageStored(town: string, village: string, tx: Tx): Promise<boolean>;
  registerTownsOnFirstUse(actor: RegistryActor, uses: ReadonlyArray<{ town: string; deviceId: string }>, tx: Tx): Promise<void>;
}

/** The audit log as the registry writes it: in the transaction of the change, one entry or a whole import's. */
export interface RegistryAudit {
  record(entry: NewAuditEntry, exec: Executor): Promise<unknown>;
  recordMany(entries: readonly NewAuditEntry[], exec: Executor): Promise<unknown>;
}

export interface ProvisionedDevice {
  readonly device: RegistryDevice;
  /** Shown once; only its hash is kept. */
  readonly secret: string;
}

export interface DeviceRegistryDeps {
  readonly store: Store;
  readonly repository: RegistryDeviceRepository;
  readonly audit: RegistryAudit;
  /** Domains a device may have: the ones the catalogue holds when it is provisioned. */
  readonly catalogue: CatalogueSource;
  readonly logger: HubLogger;
  readonly now?: () => number;
  /** First pause before the broker-side writer retries a failed write (doubling up to 30 s). */
  readonly writeRetryMs?: number;
}

/**
 * The device registry's rules: provisioning, profile changes, credentials, removal. Every device is held in memory
 * (a county's fleet is thousands of small rows), loaded once at start; operators' changes are written in a
 * transaction and reach memory when it commits; the broker's own writes (quarantine bookkeeping) change memory at
 * once and are written behind. So the broker's per-CONNECT and per-message questions (is this device known, which
 * town, which tags) never wait for a query, and a CONNECT never waits for a write.
 */
export class DeviceRegistryService {
  private readonly devices = new Map<string, RegistryDevice>();
  private readonly tags = new Map<string, TagSet>();
  /** gateway id → ids of the devices registered under it. */
  private readonly children = new Map<string, Set<string>>();
  private sessions: DeviceSessions = { disconnect: () => undefined, retire: () => undefined };
  private readonly removalHooks: DeviceRemovalHook[] = [];
  /** DevEUI → device id: a network server's uplink finds its device without a scan. */
  private readonly byDevEui = new Map<string, string>();
  private profiles: ProfileDirectory = { domainOf: () => undefined };
  private areas: AreaDirectory = { hasVillage: () => false, villageStored: () => Promise.resolve(false), registerTownsOnFirstUse: () => Promise.resolve() };
  private readonly store: Store;
  private readonly repository: RegistryDeviceRepository;
  /**
   * Operators' changes of devices, and of areas (AreasService runs its changes here too: each side checks the
   * other's memory), one at a time: each checks memory that the one before has finished changing.
   */
  readonly changes = new SerialQueue();
  private readonly writeBehind: RegistryWriteBehind;
  private readonly audit: DeviceRegistryDeps['audit'];
  readonly catalogue: CatalogueSource;
  private readonly logger: HubLogger;
  readonly now: () => number;
  /** The other nodes of a cluster, told which devices this node's commits changed (see readKeys). */
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(deps: DeviceRegistryDeps) {
    this.store = deps.store;
    this.repository = deps.repository;
    this.audit = deps.audit;
    this.catalogue = deps.catalogue;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    this.writeBehind = new RegistryWriteBehind(
      {
        // The other nodes learn of a quarantined newcomer once its row is there for them to read.
        insertNew: async (devices) => this.andTell(devices, await this.repository.insertNew(devices)),
        updateUnlessNewer: async (devices) => this.andTell(devices, await this.repository.updateUnlessNewer(devices)),
      },
      this.logger,
      { retryMs: deps.writeRetryMs, current: (device) => this.devices.get(device.deviceId) === device },
    );
  }

  /** Every device into memory: once, before the broker takes a connection. */
  async load(): Promise<void> {
    for (const device of await this.repository.loadAll()) this.remember(device);
  }

  /** The other nodes of a cluster, once the coherence helper exists (it needs the registry first, to reload it). */
  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /**
   * Every device again from the database (another node's changes may have been missed), as a swap to run when the
   * caller decides (CacheCoherence). Rows the broker side of this node has not written yet stay as memory has them.
   */
  async readAll(): Promise<() => void> {
    const rows = await this.repository.loadAll();
    return () => {
      const stored = new Set(rows.map((row) => row.deviceId));
      for (const device of [...this.devices.values()]) if (!stored.has(device.deviceId) && !this.writeBehind.holds(device.deviceId)) this.forget(device);
      for (const row of rows) if (!this.writeBehind.holds(row.deviceId)) this.remember(row);
    };
  }

  /** The named devices again from the database (another node changed them): a device it no longer has is forgotten. */
  async readKeys(deviceIds: readonly string[]): Promise<() => void> {
    const rows = new Map((await this.repository.findMany(deviceIds)).map((row) => [row.deviceId, row]));
    return () => {
      for (const deviceId of deviceIds) {
        if (this.writeBehind.holds(deviceId)) continue;
        const row = rows.get(deviceId);
        const current = this.devices.get(deviceId);
        if (row !== undefined) this.remember(row);
        else if (current !== undefined) this.forget(current);
      }
    };
  }

  private andTell<T>(devices: readonly RegistryDevice[], result: T): T {
    this.shared.changed(devices.map((device) => device.deviceId));
    return result;
  }

  /** Broker-side rows not written yet (see storeFromBroker). */
  get unwrittenBrokerRows(): number {
    return this.writeBehind.pending;
  }

  /** Writes the broker-side rows still queued (at shutdown, and for tests); rejects if the store refuses them. */
  async flushBrokerWrites(): Promise<void> {
    await this.writeBehind.flush();
  }

  /** Stops the broker-side writer's retries (after flushBrokerWrites, at shutdown). */
  close(): void {
    this.writeBehind.close();
  }

  /** The broker, once it exists (it needs the registry first, to authenticate). */
  useSessions(sessions: DeviceSessions): void {
    this.sessions = sessions;
  }

  /** The profiles feature, once it exists (it counts the devices that use a profile, so it needs the registry first). */
  useProfiles(profiles: ProfileDirectory): void {
    this.profiles = profiles;
  }

  /** The areas feature, once it exists (it counts the registry's devices, so it needs the registry first). */
  useAreas(areas: AreaDirectory): void {
    this.areas = areas;
  }

  /** Rows of another feature that go with a deleted device (the commands feature's queue and configuration). */
  whenRemoved(hook: DeviceRemovalHook): void {
    this.removalHooks.push(hook);
  }

  get size(): number {
    return this.devices.size;
  }

  find(deviceId: string): RegistryDevice | undefined {
    return this.devices.get(deviceId);
  }

  /** The device a network server's uplink is for: its DevEUI, lower-case hex. */
  findByDevEui(devEui: string): RegistryDevice | undefined {
    const deviceId = this.byDevEui.get(devEui);
    return deviceId === undefined ? undefined : this.devices.get(deviceId);
  }

  /** Ids of the devices decoded by a profile, sorted. */
  usersOf(profileId: string): string[] {
    return [...this.devices.values()].filter((device) => device.profileId === profileId).map((device) => device.deviceId).sort();
  }

  /**
   * usersOf asked of the database, in `tx`: for a profile's deletion or change of domain, which takes the placement
   * lock first so that no device is given the profile meanwhile (memory learns of such a device only once it commits).
   */
  async usersStoredOf(profileId: string, tx: Tx): Promise<string[]> {
    return this.repository.usersOfProfile(profileId, tx.exec);
  }

  list(): RegistryDevice[] {
    return [...this.devices.values()];
  }

  /** InfluxDB tags of a registered device's readings (site, town, village), sorted by key; empty for others. */
  tagsOf(deviceId: string): TagSet {
    return this.tags.get(deviceId) ?? NO_TAGS;
  }

  /** The devices registered under a gateway (none for a plain device). */
  childrenOf(gatewayId: string): RegistryDevice[] {
    return [...(this.children.get(gatewayId) ?? [])].map((id) => this.devices.get(id)).filter((device): device is RegistryDevice => device !== undefined);
  }

  childCountOf(gatewayId: string): number {
    return this.children.get(gatewayId)?.size ?? 0;
  }

  townOf(deviceId: string): string | null {
    return this.devices.get(deviceId)?.town ?? null;
  }

  /** The device's area path, `Town` or `Town/Village` (null: unknown device, or in no town). */
  areaOf(deviceId: string): string | null {
    const device = this.devices.get(deviceId);
    return device === undefined ? null : areaPathOf(device);
  }

  provision(actor: RegistryActor, raw: RawDevice): Promise<ProvisionedDevice> {
    const parsed = parseNewDevice(raw, this.catalogue.current());
    if (!parsed.ok) return Promise.reject(new InvalidDeviceError('Invalid device', parsed.problems));
    return this.changes.run(async () => {
      const refusal = this.provisionRefusal(actor, parsed.value);
      if (refusal !== null) {
        if (refusal.field === 'town') throw new DeviceOutOfScopeError(parsed.value.deviceId, actor.name);
        if (refusal.field !== 'deviceId') throw new InvalidDeviceError('Invalid device', [refusal]);
        throw new DeviceConflictError(`Device ${parsed.value.deviceId} ${refusal.problem}`);
      }
      const [created] = await this.createNow(actor, [parsed.value], 'api');
      return created;
    });
  }

  /**
   * Why a valid new device cannot be created by this actor (exists, outside its scope, a gateway it cannot stand
   * under), or null. `pending`: gateways created in the same import, which its other rows may name.
   */
  provisionRefusal(actor: RegistryActor, device: NewDevice, pending: ReadonlyMap<string, NewDevice> = new Map()): DomainIssue | null {
    const existing = this.devices.get(device.deviceId);
    if (existing?.status === 'quarantined') return { field: 'deviceId', problem: 'is waiting in quarantine: approve it instead' };
    if (existing !== undefined) return { field: 'deviceId', problem: 'is already provisioned (PATCH it to change it, or rotate its secret)' };
    if (!scopeCovers(actor.scope, device)) return { field: 'town', problem: `outside the towns and domains ${actor.name} may manage` };
    return this.linkRefusal(actor, device, pending) ?? this.payloadRefusal(device) ?? this.placeRefusal(device);
  }

  /** A device's village must be a registered village of its town (a town itself is registered on first use). */
  private placeRefusal(device: { readonly town: string | null; readonly village: string | null }): DomainIssue | null {
    if (device.village === null) return null;
    if (device.town === null) return { field: 'village', problem: 'a village is within a town: give the town too' };
    if (this.areas.hasVillage(device.town, device.village)) return null;
    return noSuchVillage(device.town, device.village);
  }

  /**
   * A device's profile must exist and decode into the device's own domain (its metrics are checked against that
   * domain's catalogue); its DevEUI must be no other device's, or a network server's uplinks could not tell them apart.
   */
  private payloadRefusal(device: { readonly deviceId: string; readonly domain: Domain | null; readonly profileId: string | null; readonly devEui: string | null }): DomainIssue | null {
    if (device.profileId !== null) {
      const domain = this.profiles.domainOf(device.profileId);
      if (domain === undefined) return { field: 'profileId', problem: `no device profile ${JSON.stringify(device.profileId)} (GET /api/device-profiles lists them)` };
      if (device.domain !== null && domain !== device.domain) return { field: 'profileId', problem: `profile ${device.profileId} decodes ${domain} readings; this device is ${device.domain}` };
    }
    if (device.devEui !== null) {
      const holder = this.byDevEui.get(device.devEui);
      if (holder !== undefined && holder !== device.deviceId) return { field: 'devEui', problem: `${device.devEui} is already device ${holder}'s` };
    }
    return null;
  }

  /**
   * The gateway rules (gateway-link.ts) with the registry as the lookup. A gateway outside the actor's towns is as
   * good as absent: an admin must not let another town's gateway publish for their devices unseen.
   */
  private linkRefusal(actor: RegistryActor, device: LinkedDevice & { readonly town: string | null }, pending: ReadonlyMap<string, NewDevice> = new Map()): DomainIssue | null {
    const find = (id: string): LinkedDevice | undefined => {
      const gateway: (LinkedDevice & { readonly town: string | null; readonly status?: string }) | undefined = this.devices.get(id) ?? pending.get(id);
      return gateway !== undefined && (gateway.status ?? 'active') === 'active' && scopeCovers(actor.scope, { town: gateway.town, domain: device.domain })
        ? gateway
        : undefined;
    };
    return gatewayLinkRefusal(device, find, this.childrenOf(device.deviceId));
  }

  /**
   * Creates devices with new secrets, all in one transaction; each creation is audited. The caller has checked them
   * (provisionRefusal); one that another change took meanwhile fails the whole call with a conflict.
   */
  createAll(actor: RegistryActor, devices: readonly NewDevice[], via: 'api' | 'import'): Promise<ProvisionedDevice[]> {
    return this.changes.run(() => this.createNow(actor, devices, via));
  }

  private async createNow(actor: RegistryActor, devices: readonly NewDevice[], via: 'api' | 'import'): Promise<ProvisionedDevice[]> {
    const now = this.now();
    const created = devices.map((device) => {
      const secret = generateDeviceSecret();
      const row: RegistryDevice = {
        ...device,
        status: 'active',
        secretHash: hashDeviceSecret(secret),
        secretIssuedAt: now,
        firstSeenAddress: null,
        connectAttempts: 0,
        createdAt: now,
        createdBy: actor.name,
        updatedAt: now,
      };
      return { device: row, secret };
    });
    // One transaction for the rows and their audit entries: 10,000 devices commit once, and never half-way; rows and
    // entries go in multi-row statements (one per 500 devices, one per 1,000 entries).
    await this.store.tx(async (tx) => {
      await tx.lock(PLACEMENT_LOCK);
      // Asked once per profile and place, not per device: an import of 10,000 meters names a handful.
      const asked = new Map<string, DomainIssue | null>();
      for (const { device } of created) {
        const key = JSON.stringify([device.profileId, device.domain, device.town, device.village]);
        if (!asked.has(key)) asked.set(key, await this.refusalNow(device, null, tx));
        const refusal = asked.get(key) ?? null;
        if (refusal !== null) throw new InvalidDeviceError('Invalid device', [{ ...refusal, problem: `device ${device.deviceId}: ${refusal.problem}` }]);
      }
      await this.registerTowns(actor, created.map(({ device }) => device), tx);
      const inserted = await this.repository.insertNew(created.map(({ device }) => device), tx.exec);
      const taken = created.find(({ device }) => !inserted.has(device.deviceId));
      if (taken !== undefined) throw new DeviceConflictError(`Device ${taken.device.deviceId} (or its DevEUI) was provisioned meanwhile: try again`);
      const entries = created.map(({ device }) =>
        this.entry(actor, 'device.provision', device.deviceId, {
          via,
          domain: device.domain,
          town: device.town,
          ...(device.village === null ? {} : { village: device.village }),
          site: device.site,
          enabled: device.enabled,
          ...(device.kind === 'gateway' ? { kind: device.kind, gatewayDomains: device.gatewayDomains } : {}),
          ...(device.gatewayId === null ? {} : { gatewayId: device.gatewayId }),
          ...(device.profileId === null ? {} : { profileId: device.profileId }),
          ...(device.devEui === null ? {} : { devEui: device.devEui }),
        }),
      );
      await this.audit.recordMany(entries, tx.exec);
      tx.afterCommit(() => {
        for (const { device } of created) this.remember(device);
        this.shared.changed(created.map(({ device }) => device.deviceId));
      });
    });
    return created;
  }

  update(actor: RegistryActor, deviceId: string, raw: RawDevice): Promise<RegistryDevice> {
    return this.changes.run(() => this.updateNow(actor, deviceId, raw));
  }

  private async updateNow(actor: RegistryActor, deviceId: string, raw: RawDevice): Promise<RegistryDevice> {
    const device = this.visible(actor, deviceId);
    const parsed = parseDevicePatch(raw, this.catalogue.current());
    if (!parsed.ok) throw new InvalidDeviceError('Invalid change', parsed.problems);
    const next: RegistryDevice = { ...device, ...parsed.value, updatedAt: this.now() };
    if ((next.latitude === null) !== (next.longitude === null)) {
      throw new InvalidDeviceError('Invalid change', [{ field: next.latitude === null ? 'latitude' : 'longitude', problem: 'latitude and longitude go together: set both or clear both' }]);
    }
    if (!scopeCovers(actor.scope, next)) throw new DeviceOutOfScopeError(deviceId, actor.name);
    if (parsed.value.gatewayDomains !== undefined && next.kind !== 'gateway') {
      throw new InvalidDeviceError('Invalid change', [{ field: 'gatewayDomains', problem: 'only a gateway (kind gateway) speaks for domains' }]);
    }
    if (parsed.value.gatewayId != null && next.kind === 'gateway') throw new InvalidDeviceError('Invalid change', [{ field: 'gatewayId', problem: 'a gateway cannot be under another gateway' }]);
    if (next.gatewayId === deviceId) throw new InvalidDeviceError('Invalid change', [{ field: 'gatewayId', problem: 'a device cannot be its own gateway' }]);
    // Only a change of the link itself is checked: a scoped admin may still edit a device whose gateway they cannot see.
    const link = parsed.value.gatewayId !== undefined || parsed.value.gatewayDomains !== undefined ? this.linkRefusal(actor, next) : null;
    if (link !== null) throw new InvalidDeviceError('Invalid change', [link]);
    const payload = parsed.value.profileId !== undefined || parsed.value.devEui !== undefined ? this.payloadRefusal(next) : null;
    if (payload !== null) throw new InvalidDeviceError('Invalid change', [payload]);
    const place = parsed.value.town !== undefined || parsed.value.village !== undefined ? this.placeRefusal(next) : null;
    if (place !== null) throw new InvalidDeviceError('Invalid change', [place]);
    const written = await this.write(deviceId, (current) => ({ ...current, ...parsed.value, updatedAt: next.updatedAt }), () => this.entry(actor, 'device.update', deviceId, { changes: parsed.value }), 'Invalid change', actor);
    if (device.enabled && !written.enabled) this.endSession(deviceId, 'disabled');
    return written;
  }

  /** A new secret, shown once; the old one stops working at once and a connected device is disconnected. */
  rotateSecret(actor: RegistryActor, deviceId: string): Promise<ProvisionedDevice> {
    return this.changes.run(async () => {
      const device = this.visible(actor, deviceId);
      if (device.status !== 'active') throw new DeviceConflictError(`Device ${deviceId} is ${device.status}: approve it first`);
      const secret = generateDeviceSecret();
      const now = this.now();
      const next = await this.write(deviceId, (current) => ({ ...current, secretHash: hashDeviceSecret(secret), secretIssuedAt: now, updatedAt: now }), () => this.entry(actor, 'device.secret.rotate', deviceId, {}));
      this.endSession(deviceId, 'secret rotated');
      return { device: next, secret };
    });
  }

  /** No secret at all: the device cannot connect until it is given a new one. */
  revokeSecret(actor: RegistryActor, deviceId: string): Promise<RegistryDevice> {
    return this.changes.run(async () => {
      this.visible(actor, deviceId);
      const now = this.now();
      const next = await this.write(deviceId, (current) => ({ ...current, secretHash: null, secretIssuedAt: null, updatedAt: now }), () => this.entry(actor, 'device.secret.revoke', deviceId, {}));
      this.endSession(deviceId, 'secret revoked');
      return next;
    });
  }

  /**
   * Removes the device from the registry: it can no longer connect. Its readings in InfluxDB, its dead letters, its
   * presence history and the audit log stay (they are the county's record); what other features keep only to talk
   * to it (queued commands, desired and reported configuration) goes with it, in the same transaction, so an id
   * provisioned again later starts clean. A gateway with devices still registered under it is refused, naming
   * them: deleting it would leave meters that nothing may publish for.
   */
  remove(actor: RegistryActor, deviceId: string): Promise<void> {
    return this.changes.run(() => this.removeNow(actor, deviceId));
  }

  private async removeNow(actor: RegistryActor, deviceId: string): Promise<void> {
    const device = this.visible(actor, deviceId);
    const children = this.childrenOf(deviceId);
    if (children.length > 0) {
      const names = children.map((child) => child.deviceId).sort();
      const listed = names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');
      throw new DeviceConflictError(`Gateway ${deviceId} still has ${names.length} devices registered under it (${listed}): move them to another gateway or to none (PATCH gatewayId) or delete them first`);
    }
    // A quarantined device's row may still be on its way from the broker: it must land before the delete, not after.
    this.writeBehind.drop(deviceId);
    await this.writeBehind.settled();
    await this.store.tx(async (tx) => {
      await tx.lock(PLACEMENT_LOCK);
      await this.repository.delete(deviceId, tx.exec);
      const removed: Record<string, number> = {};
      for (const hook of this.removalHooks) Object.assign(removed, await hook(deviceId, tx));
      await this.audit.record(this.entry(actor, 'device.delete', deviceId, { domain: device.domain, town: device.town, status: device.status, ...removed }), tx.exec);
      tx.afterCommit(() => {
        this.forget(device);
        this.shared.changed([deviceId]);
      });
    });
    this.logger.log({ msg: 'Ending the MQTT session of a device and clearing its retained status', deviceId, why: 'deleted' });
    this.sessions.retire(deviceId, device.domain);
  }

  /**
   * Admits a quarantined device with the profile the operator gives. Trust on first use: the secret it presented at
   * its first CONNECT stays valid (the device needs no visit) when it was long enough to be a real secret; otherwise,
   * or when asked, a new one is issued and returned once.
   */
  approve(actor: RegistryActor, deviceId: string, raw: RawDevice, issueNewSecret: boolean): Promise<{ device: RegistryDevice; secret: string | null }> {
    return this.changes.run(() => this.approveNow(actor, deviceId, raw, issueNewSecret));
  }

  private async approveNow(actor: RegistryActor, deviceId: string, raw: RawDevice, issueNewSecret: boolean): Promise<{ device: RegistryDevice; secret: string | null }> {
    const device = this.visible(actor, deviceId);
    if (device.status === 'active') throw new DeviceConflictError(`Device ${deviceId} is already active`);
    // A LoRaWAN newcomer keeps the DevEUI it was quarantined by unless the operator gives another.
    const parsed = parseNewDevice({ ...raw, deviceId, domain: raw.domain ?? device.domain ?? undefined, devEui: raw.devEui ?? device.devEui ?? undefined }, this.catalogue.current());
    if (!parsed.ok) throw new InvalidDeviceError('Invalid approval', parsed.problems);
    if (!scopeCovers(actor.scope, parsed.value)) throw new DeviceOutOfScopeError(deviceId, actor.name);
    const link = this.linkRefusal(actor, parsed.value) ?? this.payloadRefusal(parsed.value) ?? this.placeRefusal(parsed.value);
    if (link !== null) throw new InvalidDeviceError('Invalid approval', [link]);
    const keep = !issueNewSecret && device.secretHash !== null;
    const secret = keep ? null : generateDeviceSecret();
    const now = this.now();
    const next = await this.write(
      deviceId,
      (current): RegistryDevice => ({
        ...current,
        ...parsed.value,
        status: 'active',
        secretHash: secret === null ? current.secretHash : hashDeviceSecret(secret),
        secretIssuedAt: secret === null ? current.secretIssuedAt : now,
        updatedAt: now,
      }),
      (approved) => this.entry(actor, 'device.approve', deviceId, { domain: approved.domain, town: approved.town, village: approved.village, site: approved.site, secret: keep ? 'kept from first connect' : 'issued' }),
      'Invalid approval',
      actor,
    );
    // Its session is still the quarantined one: reconnecting makes it a device.
    this.endSession(deviceId, 'approved');
    return { device: next, secret };
  }

  /** Turns a quarantined device away for good: refused at CONNECT until deleted (then it may knock again). */
  reject(actor: RegistryActor, deviceId: string): Promise<RegistryDevice> {
    return this.changes.run(async () => {
      const device = this.visible(actor, deviceId);
      if (device.status !== 'quarantined') throw new DeviceConflictError(`Device ${deviceId} is ${device.status}, not quarantined`);
      const now = this.now();
      const next = await this.write(
        deviceId,
        (current): RegistryDevice => ({ ...current, status: 'rejected', enabled: false, secretHash: null, secretIssuedAt: null, updatedAt: now }),
        (rejected) => this.entry(actor, 'device.reject', deviceId, { firstSeenAddress: rejected.firstSeenAddress, connectAttempts: rejected.connectAttempts }),
      );
      this.endSession(deviceId, 'rejected');
      return next;
    });
  }

  /** An import summary in the audit log, beside one `device.provision` entry per device created. */
  async recordImport(actor: RegistryActor, detail: Readonly<Record<string, unknown>>): Promise<void> {
    await this.audit.record(this.entry(actor, 'device.import', null, detail), this.store.db);
  }

  /**
   * Quarantine mode, for a network server's uplink of an unknown DevEUI: the meter waits as device `lora-<DevEUI>`
   * (no domain, no secret: it never connects itself) until an operator approves it with a domain and a profile.
   * Null when the quarantine is full or that id is taken by another device.
   */
  quarantineDevEui(devEui: string, source: string, maxWaiting: number): RegistryDevice | null {
    const deviceId = `lora-${devEui}`;
    const existing = this.devices.get(deviceId);
    if (existing !== undefined) {
      if (existing.devEui !== devEui || existing.status !== 'quarantined') return null;
      const next = { ...existing, connectAttempts: existing.connectAttempts + 1, updatedAt: this.now() };
      this.storeFromBroker(next);
      return next;
    }
    if (this.list().filter((device) => device.status === 'quarantined').length >= maxWaiting) return null;
    const now = this.now();
    const device: RegistryDevice = {
      ...EMPTY_DETAILS,
      ...NO_GATEWAY,
      deviceId,
      domain: null,
      devEui,
      status: 'quarantined',
      secretHash: null,
      secretIssuedAt: null,
      firstSeenAddress: source,
      connectAttempts: 1,
      createdAt: now,
      createdBy: 'quarantine',
      updatedAt: now,
    };
    this.storeFromBroker(device);
    return device;
  }

  /** Ids of the devices stored in an area (`Town`: its villages too), sorted; for AreasService, in its transaction. */
  async storedIn(path: string, tx: Tx): Promise<string[]> {
    const [town, village] = path.split('/');
    return (await this.repository.inArea(town, village ?? null, tx.exec)).map((device) => device.deviceId);
  }

  /**
   * An area renamed (AreasService.rename, in its transaction `tx`): every device in `from` (a town, or
   * `Town/Village`) moves to `to`, each audited as a `device.update` of its town or village. Returns how many moved.
   */
  async moveArea(actor: RegistryActor, from: string, to: string, tx: Tx): Promise<number> {
    const [fromTown, fromVillage] = from.split('/');
    const [toTown, toVillage] = to.split('/');
    const changes = fromVillage === undefined ? { town: toTown } : { village: toVillage };
    const now = this.now();
    // The rows as stored, under the caller's placement lock: memory changes only when a transaction commits, and a
    // device change still queued behind the rename must find its device already moved.
    const moved = (await this.repository.inArea(fromTown, fromVillage ?? null, tx.exec)).map((device): RegistryDevice => ({ ...device, ...changes, updatedAt: now }));
    for (const device of moved) this.writeBehind.drop(device.deviceId);
    await this.repository.saveMany(moved, tx.exec);
    await this.audit.recordMany(moved.map((device) => this.entry(actor, 'device.update', device.deviceId, { changes, via: 'area.rename' })), tx.exec);
    tx.afterCommit(() => {
      for (const device of moved) this.remember(device);
      this.shared.changed(moved.map((device) => device.deviceId));
    });
    return moved.length;
  }

  /**
   * For the MQTT side (quarantine bookkeeping): memory at once, the row written behind without auditing (no person
   * made this change). Never waits: it is called on CONNECT.
   */
  storeFromBroker(device: RegistryDevice): void {
    const isNew = !this.devices.has(device.deviceId);
    this.remember(device);
    this.writeBehind.enqueue(device, isNew);
  }

  /** The device, when it exists and the actor's scope covers it. */
  visible(actor: { readonly name: string; readonly scope: AccessScope }, deviceId: string): RegistryDevice {
    const device = this.devices.get(deviceId);
    if (device === undefined) throw new DeviceNotFoundError(deviceId);
    if (!scopeCovers(actor.scope, device)) throw new DeviceOutOfScopeError(deviceId, actor.name);
    return device;
  }

  /**
   * One device's new row and its audit entry in one transaction (the towns it names for the first time too, when an
   * actor placed it); memory follows when it commits. An unwritten broker-side row of the device is superseded.
   */
  private async write(deviceId: string, change: (current: RegistryDevice) => RegistryDevice, entryOf: (next: RegistryDevice) => NewAuditEntry, invalid = 'Invalid change', placedBy?: RegistryActor): Promise<RegistryDevice> {
    // The broker's unwritten row of the device (a quarantined newcomer may not be in the table yet) is written here
    // instead, with the change.
    const taken = this.writeBehind.take(deviceId);
    const unwritten = taken?.device;
    await this.writeBehind.settled();
    try {
      return await this.store.tx(async (tx) => {
        await tx.lock(PLACEMENT_LOCK);
        // The row as stored, not memory's copy: an area renamed or a profile deleted may have committed since the
        // caller checked memory, and the change is applied over what is there now. The broker's row counts only where
        // its own write would have landed (no newer row, same status: see RegistryDeviceRepository.updateUnlessNewer).
        const stored = await this.repository.find(deviceId, tx.exec);
        const current = stored === undefined || (unwritten !== undefined && unwritten.updatedAt >= stored.updatedAt && unwritten.status === stored.status) ? unwritten : stored;
        if (current === undefined) throw new DeviceNotFoundError(deviceId);
        const next = change(current);
        const refusal = await this.refusalNow(next, current, tx);
        if (refusal !== null) throw new InvalidDeviceError(invalid, [refusal]);
        if (placedBy !== undefined) await this.registerTowns(placedBy, [next], tx);
        await this.repository.save(next, tx.exec);
        await this.audit.record(entryOf(next), tx.exec);
        tx.afterCommit(() => {
          this.remember(next);
          this.shared.changed([deviceId]);
        });
        return next;
      });
    } catch (error) {
      // Refused or failed: the broker's row is still to be written, unless memory has moved on from it.
      if (taken !== undefined && this.devices.get(deviceId) === taken.device) this.writeBehind.enqueue(taken.device, taken.isNew);
      throw error;
    }
  }

  /**
   * The checks of a device's profile and village asked again of the database, under the placement lock (which a
   * profile's deletion and an area's rename or deletion take too): memory's answer, given before the transaction,
   * may be stale by now. Only what changed from `before` is asked (null: a new device).
   */
  private async refusalNow(device: RegistryDevice | NewDevice, before: RegistryDevice | null, tx: Tx): Promise<DomainIssue | null> {
    if (device.profileId !== null && (before === null || before.profileId !== device.profileId || before.domain !== device.domain)) {
      const domain = await this.repository.profileDomain(device.profileId, tx.exec);
      if (domain === undefined) return { field: 'profileId', problem: `no device profile ${JSON.stringify(device.profileId)} (GET /api/device-profiles lists them)` };
      if (device.domain !== null && domain !== device.domain) return { field: 'profileId', problem: `profile ${device.profileId} decodes ${domain} readings; this device is ${device.domain}` };
    }
    if (device.town !== null && device.village !== null && (before === null || before.town !== device.town || before.village !== device.village)) {
      if (!(await this.areas.villageStored(device.town, device.village, tx))) return noSuchVillage(device.town, device.village);
    }
    return null;
  }

  private remember(device: RegistryDevice): void {
    const previous = this.devices.get(device.deviceId);
    if (previous !== undefined) this.forget(previous);
    this.devices.set(device.deviceId, device);
    if (device.gatewayId !== null) {
      let children = this.children.get(device.gatewayId);
      if (children === undefined) this.children.set(device.gatewayId, (children = new Set()));
      children.add(device.deviceId);
    }
    const tags: [string, string][] = [];
    // Sorted by key (site < town < village), as readingToLine expects; only active devices' readings are stored at all.
    if (device.site !== null) tags.push(['site', device.site]);
    if (device.town !== null) tags.push(['town', device.town]);
    if (device.town !== null && device.village !== null) tags.push(['village', device.village]);
    if (tags.length > 0) this.tags.set(device.deviceId, tags);
    else this.tags.delete(device.deviceId);
    if (device.devEui !== null) this.byDevEui.set(device.devEui, device.deviceId);
  }

  private forget(device: RegistryDevice): void {
    this.devices.delete(device.deviceId);
    this.tags.delete(device.deviceId);
    if (device.devEui !== null && this.byDevEui.get(device.devEui) === device.deviceId) this.byDevEui.delete(device.devEui);
    if (device.gatewayId === null) return;
    const children = this.children.get(device.gatewayId);
    children?.delete(device.deviceId);
    if (children?.size === 0) this.children.delete(device.gatewayId);
  }

  private endSession(deviceId: string, why: string): void {
    this.logger.log({ msg: 'Ending the MQTT session of a device', deviceId, why });
    this.sessions.disconnect(deviceId);
  }

  /** Towns named for the first time become areas, inside the caller's transaction (see AreaDirectory). */
  private async registerTowns(actor: RegistryActor, devices: ReadonlyArray<{ readonly deviceId: string; readonly town: string | null }>, tx: Tx): Promise<void> {
    const uses = devices.flatMap((device) => (device.town === null ? [] : [{ town: device.town, deviceId: device.deviceId }]));
    if (uses.length > 0) await this.areas.registerTownsOnFirstUse(actor, uses, tx);
  }

  private entry(actor: RegistryActor, action: string, targetId: string | null, detail: Readonly<Record<string, unknown>>): NewAuditEntry {
    return { actor: actor.name, action, targetType: 'device', targetId, detail };
  }
}

/**
 * Taken by every transaction that changes devices or areas (they check each other: a device's village, an area's
 * devices), so that on PostgreSQL two of them never interleave; free on SQLite.
 */
export const PLACEMENT_LOCK = 'devices-and-areas';

const NO_TAGS: TagSet = [];

function noSuchVillage(town: string, village: string): DomainIssue {
  return { field: 'village', problem: `${quoted(village)} is not a registered village of ${quoted(town)} (GET /api/areas lists them; an admin adds one with POST /api/areas)` };
}
