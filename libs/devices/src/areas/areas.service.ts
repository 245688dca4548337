import { AccessDeniedError, type AccessScope, describeScope, scopeCovers } from '@hub/access';
import type { AreaView } from '@hub/api-types';
import { AREA_NAME_PATTERN, AREA_NAME_RULE, anyAreaCovers, areaPathOf, type DomainIssue, type HubLogger, JsonInputReader, quoted, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { Executor, NewAuditEntry, Store, Tx } from '@hub/store';
import { PLACEMENT_LOCK } from '../device-registry.service';
import { SerialQueue } from '../serial-queue';
import { Area, childPath, levelOf } from './area';
import { AreaConflictError, AreaNotFoundError, InvalidAreaError } from './area.errors';
import type { AreaReference, AreaRepository } from './area.repository';

/** Who changes the areas: named in the audit log; their towns bound which areas they may change. */
export interface AreaActor {
  readonly name: string;
  readonly scope: AccessScope;
}

/** A device as the areas feature sees it: where it is. */
export interface PlacedDevice {
  readonly deviceId: string;
  readonly domain: string | null;
  readonly town: string | null;
  readonly village: string | null;
}

/** The device registry's side: its devices, and moving them with an area that is renamed. */
export interface AreaDevices {
  list(): readonly PlacedDevice[];
  /**
   * The registry's queue of changes, which the areas' changes join: an area's change checks the registry's memory
   * (its devices) and a device's change the areas' (its village), so neither may run while the other is half-way.
   */
  readonly changes: SerialQueue;
  /** Ids of the devices stored in a town (any of its villages too) or a village, sorted: read in `tx`, under the placement lock. */
  storedIn(path: string, tx: Tx): Promise<string[]>;
  /** Moves every device in `from` (a town, or a town's village) to `to` in `tx`, audited per device; returns how many. */
  moveArea(actor: AreaActor, from: string, to: string, tx: Tx): Promise<number>;
}

export interface AreasDeps {
  readonly store: Store;
  readonly repository: AreaRepository;
  readonly audit: { record(entry: NewAuditEntry, exec: Executor): Promise<unknown>; recordMany(entries: readonly NewAuditEntry[], exec: Executor): Promise<unknown> };
  readonly logger: HubLogger;
  readonly now?: () => number;
}

/**
 * The county's areas: towns and their villages or streets. Held in memory (a county has hundreds, not millions),
 * loaded at start and changed when a transaction commits, so a device's village is checked without a query. Towns are registered by an admin, by CSV, or
 * on first use when a device names a town the registry does not know yet (devices named towns freely before areas
 * existed; refusing them would break every script that provisions devices) — audited as `area.create` via `device`.
 * Villages are only ever registered deliberately: a device's village must be one of its town's.
 */
export class AreasService {
  private readonly areas = new Map<string, Area>();
  private devices: AreaDevices = { list: () => [], changes: new SerialQueue(), storedIn: () => Promise.resolve([]), moveArea: () => Promise.resolve(0) };
  private readonly store: Store;
  private readonly repository: AreaRepository;
  private readonly audit: AreasDeps['audit'];
  private readonly logger: HubLogger;
  private readonly now: () => number;
  /** The other nodes of a cluster, told after each commit that changed the areas (a few hundred rows: reloaded whole). */
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(deps: AreasDeps) {
    this.store = deps.store;
    this.repository = deps.repository;
    this.audit = deps.audit;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
  }

  /** Every area into memory: once at start. */
  async load(): Promise<void> {
    for (const area of await this.repository.loadAll()) this.areas.set(area.path, area);
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Every area again from the database, as a swap to run when the caller decides (CacheCoherence). */
  async readAll(): Promise<() => void> {
    const areas = await this.repository.loadAll();
    return () => {
      this.areas.clear();
      for (const area of areas) this.areas.set(area.path, area);
    };
  }

  /** The device registry, once both exist (the registry asks the areas about villages; the areas count its devices). */
  useDevices(devices: AreaDevices): void {
    this.devices = devices;
  }

  /** Changes one at a time, in the registry's queue: each checks memory (a name is free, a town has no villages) that the one before has settled. */
  private get changes(): SerialQueue {
    return this.devices.changes;
  }

  find(path: string): Area | undefined {
    return this.areas.get(path);
  }

  hasVillage(town: string, village: string): boolean {
    return this.areas.get(childPath(town, village))?.parent === town;
  }

  /** hasVillage asked of the database, in the registry's transaction (see AreaDirectory). */
  async villageStored(town: string, village: string, tx: Tx): Promise<boolean> {
    return (await this.repository.find(childPath(town, village), tx.exec))?.parent === town;
  }

  /** The county's towns, sorted by name. */
  towns(): Area[] {
    return [...this.areas.values()].filter((area) => area.parent === null).sort((a, b) => a.name.localeCompare(b.name));
  }

  villagesOf(town: string): Area[] {
    return [...this.areas.values()].filter((area) => area.parent === town).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The tree as the caller may see it: the areas their towns cover, and the town of a village they cover (so the
   * village has its place in the tree); towns sorted by name, each followed by its villages. Devices counted are
   * those the caller's scope covers (domains included).
   */
  list(scope: AccessScope): AreaView[] {
    const counts = new Map<string, number>();
    for (const device of this.devices.list()) {
      if (device.town === null || !scopeCovers(scope, device)) continue;
      counts.set(device.town, (counts.get(device.town) ?? 0) + 1);
      if (device.village !== null) {
        const path = areaPathOf(device) ?? '';
        counts.set(path, (counts.get(path) ?? 0) + 1);
      }
    }
    const visible = (area: Area): boolean =>
      scope.towns.length === 0 || anyAreaCovers(scope.towns, area.path) || (area.parent === null && scope.towns.some((entry) => entry.startsWith(`${area.path}/`)));
    const view = (area: Area): AreaView => ({ path: area.path, name: area.name, parent: area.parent, level: levelOf(area), devices: counts.get(area.path) ?? 0 });
    const towns = [...this.areas.values()].filter((area) => area.parent === null && visible(area)).sort((a, b) => a.name.localeCompare(b.name));
    return towns.flatMap((town) => [view(town), ...this.villagesOf(town.path).filter(visible).map(view)]);
  }

  /** POST /api/areas `{ name, parent? }`: a town (no parent) or a village of a registered town. */
  create(actor: AreaActor, body: unknown): Promise<Area> {
    const issues: DomainIssue[] = [];
    const read = JsonInputReader.of(body, '', issues, ['name', 'parent']);
    const name = read?.requiredString('name', { maxLength: 100, pattern: AREA_NAME_PATTERN, patternText: AREA_NAME_RULE });
    const parent = read?.string('parent', { maxLength: 100, pattern: AREA_NAME_PATTERN, patternText: 'a town: villages have no villages of their own' }) ?? null;
    if (read === undefined || name === undefined || issues.length > 0) return Promise.reject(new InvalidAreaError('Invalid area', issues));
    return this.changes.run(async () => {
      const refusal = this.creationRefusal(actor, name, parent, new Set());
      if (refusal !== null) throw refusal.kind === 'conflict' ? new AreaConflictError(refusal.problem, 'area-exists', { area: childPath(parent, name) }) : refusal.kind === 'forbidden' ? new AccessDeniedError(refusal.problem) : new InvalidAreaError('Invalid area', [{ field: 'parent', problem: refusal.problem }]);
      const [area] = await this.createNow(actor, [{ name, parent }], { via: 'api' });
      return area;
    });
  }

  /**
   * Why `name` under `parent` cannot be created by `actor`, or null. `pending`: paths an import is creating in the
   * same go (a CSV line's village may be under a town of an earlier line).
   */
  creationRefusal(actor: AreaActor, name: string, parent: string | null, pending: ReadonlySet<string>): { kind: 'conflict' | 'forbidden' | 'invalid'; problem: string } | null {
    const path = childPath(parent, name);
    if (this.areas.has(path) || pending.has(path)) return { kind: 'conflict', problem: `Area ${path} is already registered` };
    if (parent !== null && !this.areas.has(parent) && !pending.has(parent)) return { kind: 'invalid', problem: `no town ${quoted(parent)}: register the town first` };
    if (parent !== null && this.areas.get(parent)?.parent != null) return { kind: 'invalid', problem: `${parent} is a village: villages have no villages of their own` };
    if (!this.manages(actor, path)) return { kind: 'forbidden', problem: `Area ${path} is outside the towns ${actor.name} may manage (${describeScope(actor.scope)})` };
    return null;
  }

  /** Registers areas in one transaction, each audited as `area.create` with `detail` (how it came). */
  createAll(actor: AreaActor, drafts: ReadonlyArray<{ name: string; parent: string | null }>, detail: Readonly<Record<string, unknown>>): Promise<Area[]> {
    return this.changes.run(() => this.createNow(actor, drafts, detail));
  }

  private async createNow(actor: AreaActor, drafts: ReadonlyArray<{ name: string; parent: string | null }>, detail: Readonly<Record<string, unknown>>, outer?: Tx): Promise<Area[]> {
    const now = this.now();
    const created = drafts.map((draft): Area => ({ path: childPath(draft.parent, draft.name), name: draft.name, parent: draft.parent, createdAt: now, createdBy: actor.name, updatedAt: now }));
    await this.store.tx(async (tx) => {
      await tx.lock(PLACEMENT_LOCK);
      await this.repository.insertMany(created, tx.exec);
      await this.audit.recordMany(
        created.map((area) => this.entry(actor, 'area.create', area.path, { name: area.name, level: levelOf(area), ...(area.parent === null ? {} : { parent: area.parent }), ...detail })),
        tx.exec,
      );
      tx.afterCommit(() => {
        for (const area of created) this.areas.set(area.path, area);
        this.shared.changed();
      });
    }, outer);
    return created;
  }

  /**
   * Towns that devices name for the first time, registered on the spot (inside the registry's transaction `tx`). Not
   * bound by the actor's scope: the registry has already checked the device is theirs to place there.
   */
  async registerTownsOnFirstUse(actor: AreaActor, uses: ReadonlyArray<{ town: string; deviceId: string }>, tx: Tx): Promise<void> {
    const firstUse = new Map<string, string>();
    for (const use of uses) if (!this.areas.has(use.town) && !firstUse.has(use.town)) firstUse.set(use.town, use.deviceId);
    for (const [town, deviceId] of firstUse) await this.createNow(actor, [{ name: town, parent: null }], { via: 'device', deviceId }, tx);
    if (firstUse.size > 0) this.logger.log({ msg: 'Towns registered on first use by a device', towns: [...firstUse.keys()], by: actor.name });
  }

  /**
   * PATCH /api/areas/:path `{ name }`. The devices in it move with it (each audited); its villages follow a town.
   * Refused while a scope, rule selector, silence in force or policy matcher names it: those grant or route by the
   * name, and changing them is a decision of their own (the answer lists them). Readings stored before keep the old
   * tags in InfluxDB.
   */
  rename(actor: AreaActor, path: string, body: unknown): Promise<Area> {
    return this.changes.run(() => this.renameNow(actor, path, body));
  }

  private async renameNow(actor: AreaActor, path: string, body: unknown): Promise<Area> {
    const area = this.manageable(actor, path);
    const issues: DomainIssue[] = [];
    const read = JsonInputReader.of(body, '', issues, ['name']);
    const name = read?.requiredString('name', { maxLength: 100, pattern: AREA_NAME_PATTERN, patternText: AREA_NAME_RULE });
    if (name === undefined || issues.length > 0) throw new InvalidAreaError('Invalid area', issues);
    const to = childPath(area.parent, name);
    if (to === path) return area;
    if (this.areas.has(to)) throw new AreaConflictError(`Area ${to} is already registered`, 'area-exists', { area: to });
    const renamed: Area = { ...area, path: to, name, updatedAt: this.now() };
    const moved = await this.store.tx(async (tx) => {
      await tx.lock(PLACEMENT_LOCK);
      // Asked under the lock, of the database: a check made before it could be overtaken by a change committed meanwhile.
      if ((await this.repository.find(to, tx.exec)) !== undefined) throw new AreaConflictError(`Area ${to} is already registered`, 'area-exists', { area: to });
      const references = await this.repository.referencesTo(path, this.now(), tx.exec);
      if (references.length > 0) {
        throw new AreaConflictError(`Area ${path} cannot be renamed while ${describeReferences(references)} still ${countOf(references) === 1 ? 'names' : 'name'} it: change ${countOf(references) === 1 ? 'it' : 'them'} first`, 'area-in-use', { area: path, count: countOf(references) });
      }
      await this.repository.move(path, renamed, tx.exec);
      const count = await this.devices.moveArea(actor, path, to, tx);
      await this.audit.record(this.entry(actor, 'area.rename', to, { from: path, to, devicesMoved: count }), tx.exec);
      tx.afterCommit(() => {
        for (const [key, other] of [...this.areas]) {
          if (key === path) this.areas.delete(key);
          else if (other.parent === path) {
            this.areas.delete(key);
            this.areas.set(childPath(to, other.name), { ...other, path: childPath(to, other.name), parent: to, updatedAt: renamed.updatedAt });
          }
        }
        this.areas.set(to, renamed);
        this.shared.changed();
      });
      return count;
    });
    this.logger.log({ msg: 'Area renamed', from: path, to, devicesMoved: moved, by: actor.name });
    return renamed;
  }

  /** DELETE /api/areas/:path: only an area nothing names any more (no village under it, no device, no scope …). */
  remove(actor: AreaActor, path: string): Promise<void> {
    return this.changes.run(() => this.removeNow(actor, path));
  }

  private async removeNow(actor: AreaActor, path: string): Promise<void> {
    const area = this.manageable(actor, path);
    await this.store.tx(async (tx) => {
      await tx.lock(PLACEMENT_LOCK);
      // Asked under the lock, of the database: a device placed in the area, a village added or a scope naming it
      // committed after a check made before the lock would be left pointing at an area that is gone.
      const villages = await this.repository.villagesOf(path, tx.exec);
      if (villages.length > 0) {
        const names = listed(villages.map((village) => village.name));
        throw new AreaConflictError(`Town ${path} still has villages (${names}): delete them first`, 'area-has-villages', { area: path, villages: names });
      }
      const devices = await this.devices.storedIn(path, tx);
      const references = await this.repository.referencesTo(path, this.now(), tx.exec);
      if (devices.length > 0 || references.length > 0) {
        const all: AreaReference[] = devices.length > 0 ? [{ kind: 'device', names: devices }, ...references] : references;
        throw new AreaConflictError(`Area ${path} cannot be deleted while ${describeReferences(all)} still ${countOf(all) === 1 ? 'names' : 'name'} it`, 'area-in-use', { area: path, count: countOf(all) });
      }
      await this.repository.delete(path, tx.exec);
      await this.audit.record(this.entry(actor, 'area.delete', path, { name: area.name, level: levelOf(area) }), tx.exec);
      tx.afterCommit(() => {
        this.areas.delete(path);
        this.shared.changed();
      });
    });
  }

  /** The import summary beside its `area.create` entries. */
  async recordImport(actor: AreaActor, detail: Readonly<Record<string, unknown>>): Promise<void> {
    await this.audit.record(this.entry(actor, 'area.import', null, detail), this.store.db);
  }

  /** Whether the actor's towns cover the area (a county-wide admin manages every area; a town's admin its villages). */
  manages(actor: AreaActor, path: string): boolean {
    return actor.scope.towns.length === 0 || anyAreaCovers(actor.scope.towns, path);
  }

  private manageable(actor: AreaActor, path: string): Area {
    const area = this.areas.get(path);
    if (area === undefined) throw new AreaNotFoundError(path);
    if (!this.manages(actor, path)) throw new AccessDeniedError(`Area ${path} is outside the towns ${actor.name} may manage (${describeScope(actor.scope)})`);
    return area;
  }

  private entry(actor: AreaActor, action: string, targetId: string | null, detail: Readonly<Record<string, unknown>>): NewAuditEntry {
    return { actor: actor.name, action, targetType: 'area', targetId, detail };
  }
}

/** "devices w-1, w-2; operator alice; alert rule pressure-low". */
function describeReferences(references: ReadonlyArray<{ kind: string; names: readonly string[] }>): string {
  return references.map((reference) => `${reference.kind}${reference.names.length > 1 ? 's' : ''} ${listed(reference.names)}`).join('; ');
}

/** How many things name the area, all kinds together. */
function countOf(references: ReadonlyArray<{ names: readonly string[] }>): number {
  return references.reduce((sum, reference) => sum + reference.names.length, 0);
}

function listed(names: readonly string[]): string {
  return names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');
}
