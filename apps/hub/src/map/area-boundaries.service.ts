import { Logger } from '@nestjs/common';
import { assertCountyWide, type Principal } from '@hub/access';
import type { AreaBoundariesView } from '@hub/api-types';
import { InvalidInputError } from '@hub/common';
import type { AuditLogRepository, Store } from '@hub/store';
import type { AreaBoundaryRepository } from './area-boundary.repository';
import type { BoundaryFileChecker } from './boundary-file.checker';

/** Why only a county-wide admin may replace them, for the 403's message. */
const SHARED = 'the file holds every town’s boundaries';

/**
 * The county's area boundaries for the map: any signed-in operator reads them (outlines are not data of a town's
 * devices), a county-wide admin replaces them with a new file, checked whole, stored whole and audited with what it
 * changed.
 */
export class AreaBoundariesService {
  private readonly logger = new Logger(AreaBoundariesService.name);

  constructor(
    private readonly store: Store,
    private readonly repository: AreaBoundaryRepository,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly check: BoundaryFileChecker,
    /** Whether the areas registry holds a path (a boundary must outline an area that exists). */
    private readonly areaExists: (path: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  async view(): Promise<AreaBoundariesView> {
    const stored = await this.repository.load();
    return {
      type: 'FeatureCollection',
      features: stored.features,
      updatedAt: stored.updatedAt === null ? null : new Date(stored.updatedAt).toISOString(),
      updatedBy: stored.updatedBy,
    };
  }

  async replace(file: Uint8Array, by: Pick<Principal, 'name' | 'scope'>): Promise<AreaBoundariesView> {
    assertCountyWide(by, 'change the area boundaries', SHARED);
    const checked = await this.check(file);
    if (!checked.ok) throw new InvalidInputError('area boundaries', checked.issues);
    const unknown = checked.features.flatMap(({ properties: { area } }) =>
      area === '' || this.areaExists(area)
        ? []
        : [{ index: checked.indexOf[area], field: `features[${checked.indexOf[area]}].properties.area`, problem: `names no registered area: ${JSON.stringify(area)} (GET /api/areas lists them; an admin adds one with POST /api/areas)` }],
    );
    if (unknown.length > 0) throw new InvalidInputError('area boundaries', unknown.sort((a, b) => a.index - b.index).map(({ field, problem }) => ({ field, problem })));
    const after = new Map(checked.features.map((feature) => [feature.properties.area, JSON.stringify(feature.geometry)]));
    const at = this.now();
    const { added, removed, changed } = await this.store.tx(async (tx) => {
      // What the upload changes is read where no other upload interleaves: the audit entry says it of the file replaced.
      await tx.lock('area-boundaries');
      const before = new Map((await this.repository.load(tx.exec)).features.map((feature) => [feature.properties.area, JSON.stringify(feature.geometry)]));
      const diff = {
        added: [...after.keys()].filter((area) => !before.has(area)),
        removed: [...before.keys()].filter((area) => !after.has(area)),
        changed: [...after.keys()].filter((area) => before.has(area) && before.get(area) !== after.get(area)),
      };
      await this.repository.replace(checked.features, at, by.name, tx.exec);
      await this.audit.record(
        {
          at,
          actor: by.name,
          action: 'area-boundaries.replace',
          targetType: 'area-boundaries',
          targetId: 'county',
          // The areas, not the geometries: a county's file is megabytes, and it stays readable in the table.
          detail: { areas: checked.features.length, bytes: file.length, ...diff },
        },
        tx.exec,
      );
      return diff;
    });
    this.logger.log({ msg: 'Area boundaries replaced', by: by.name, areas: checked.features.length, added: added.length, removed: removed.length, changed: changed.length });
    return this.view();
  }
}
