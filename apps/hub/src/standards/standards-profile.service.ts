import { Injectable, Logger } from '@nestjs/common';
import { assertCountyWide, type Principal } from '@hub/access';
import { AlertEngine } from '@hub/alerts';
import type { CatalogueDefaultChange, StandardsProfileDiff, StandardsProfileView } from '@hub/api-types';
import { LiveCatalogue } from '@hub/catalogue';
import { InvalidInputError, JsonInputReader, type DomainIssue } from '@hub/common';
import { builtInCatalogueFor, BUILT_IN_DOMAINS, STANDARDS_PROFILE_DESCRIPTIONS, STANDARDS_PROFILES, type StandardsProfile } from '@hub/contract';
import { AuditLogRepository, Store } from '@hub/store';
import { CountyStandards, STANDARDS_PROFILE_LOCK } from './county-standards';

/** Why only a county-wide admin may see or change it, for the 403's message. */
const SHARED = 'the standards profile sets the default rules and the catalogue of the whole county';

/**
 * The county's standards profile: which it is, what changing it would do (the default rules an operator has not
 * edited, and the catalogue's built-in bands no admin has changed), and the change itself — rules, catalogue, the
 * stored profile and the audit entries in one transaction.
 */
@Injectable()
export class StandardsProfileService {
  private readonly logger = new Logger(StandardsProfileService.name);

  constructor(
    private readonly standards: CountyStandards,
    private readonly engine: AlertEngine,
    private readonly catalogue: LiveCatalogue,
    private readonly audit: AuditLogRepository,
    private readonly store: Store,
  ) {}

  view(by: Principal): StandardsProfileView {
    assertCountyWide(by, 'see the standards profile', SHARED);
    const { profile, chosenAt, chosenBy } = this.standards.current;
    return {
      profile,
      chosenAt: new Date(chosenAt).toISOString(),
      chosenBy,
      available: STANDARDS_PROFILES.map((each) => ({ profile: each, description: STANDARDS_PROFILE_DESCRIPTIONS[each] })),
    };
  }

  async preview(body: unknown, by: Principal): Promise<StandardsProfileDiff> {
    assertCountyWide(by, 'preview a standards profile', SHARED);
    const to = readProfile(body);
    const from = this.standards.current.profile;
    return { from, to, applied: false, rules: await this.engine.defaultPacks.preview(from, to), catalogue: this.catalogueChanges(from, to) };
  }

  /**
   * The default rules, the audit entry and the stored profile in one transaction; the catalogue's built-ins and the
   * profile in memory follow once it committed.
   */
  async apply(body: unknown, by: Principal): Promise<StandardsProfileDiff> {
    assertCountyWide(by, 'change the standards profile', SHARED);
    const to = readProfile(body);
    const now = Date.now();
    const diff = await this.store.tx(async (tx): Promise<StandardsProfileDiff> => {
      // Read where no other change interleaves: two admins choosing at once apply one after the other.
      await tx.lock(STANDARDS_PROFILE_LOCK);
      const from = (await this.standards.read(tx.exec)).profile;
      if (to === from) throw new InvalidInputError('standards profile', [{ field: 'profile', problem: `is already the county's profile (${from})` }]);
      const rules = await this.engine.defaultPacks.apply(from, to, by, tx);
      const catalogue = this.catalogueChanges(from, to);
      await this.audit.record(
        {
          at: now,
          actor: by.name,
          action: 'standards-profile.change',
          targetType: 'standards-profile',
          targetId: to,
          detail: { from, to, rules: rules.filter((rule) => rule.change !== 'unchanged'), catalogue },
        },
        tx.exec,
      );
      await this.standards.change({ profile: to, chosenAt: now, chosenBy: by.name }, tx);
      return { from, to, applied: true, rules, catalogue };
    });
    // After the commit: the next message is validated against the new profile's bands.
    this.catalogue.useBuiltIns(builtInCatalogueFor(to));
    this.logger.log({ msg: 'Standards profile changed', from: diff.from, to, by: by.name });
    return diff;
  }

  /** Built-in metrics whose description, range or typical band differ between the profiles; an admin's row is kept. */
  private catalogueChanges(from: StandardsProfile, to: StandardsProfile): CatalogueDefaultChange[] {
    const before = builtInCatalogueFor(from);
    const after = builtInCatalogueFor(to);
    const changes: CatalogueDefaultChange[] = [];
    for (const domain of BUILT_IN_DOMAINS) {
      for (const [metric, spec] of Object.entries(after[domain])) {
        const was = before[domain][metric];
        const fields: CatalogueDefaultChange['fields'] = {};
        for (const key of ['description', 'range', 'typical'] as const) {
          if (JSON.stringify(was[key]) !== JSON.stringify(spec[key])) fields[key] = { from: was[key], to: spec[key] };
        }
        if (Object.keys(fields).length === 0) continue;
        const row = this.catalogue.adminRow(domain, metric);
        changes.push(
          row === undefined
            ? { domain, metric, change: 'changed', fields }
            : { domain, metric, change: 'kept', fields, kept: { because: 'edited', by: row.updatedBy, note: `kept, edited by ${row.updatedBy}` } },
        );
      }
    }
    return changes;
  }
}

function readProfile(body: unknown): StandardsProfile {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['profile']);
  const profile = read?.requiredOneOf('profile', STANDARDS_PROFILES);
  if (profile === undefined || issues.length > 0) throw new InvalidInputError('standards profile', issues);
  return profile;
}
