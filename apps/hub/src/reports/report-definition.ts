import { AREA_PATH_RULE, DomainError, InvalidInputError, JsonInputReader, type DomainIssue } from '@hub/common';
import { CONTACT_POINT_NAME_PATTERN, CONTACT_POINT_NAME_TEXT, NOTIFY_LANGUAGES, type NotifyLanguage } from '@hub/notify';
import { parseAreaPath } from '../areas/area-path';
import { REPORT_PERIODS, type ReportPeriodKind } from './report-period';

/** What an admin asks for: a period's report of an area (and one domain, or all), in a language, mailed or not. */
export interface ReportSpec {
  readonly name: string;
  /** '' for the county, a town, or Town/Village. */
  readonly area: string;
  /** Null: every domain of the catalogue. */
  readonly domain: string | null;
  readonly period: ReportPeriodKind;
  readonly language: NotifyLanguage;
  /** Email contact points the report is sent to when made on schedule. */
  readonly contactPoints: readonly string[];
  readonly enabled: boolean;
}

export interface ReportDefinition extends ReportSpec {
  readonly id: number;
  /** The first period due: the last closed one when the definition was made (so a new definition reports at once). */
  readonly firstPeriodStart: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

/** What parsing needs to know of the hub: the domains and contact points it has now. */
export interface ReportSpecContext {
  hasDomain(domain: string): boolean;
  domains(): readonly string[];
  /** Whether the areas registry holds the town or village (the county always exists). */
  areaExists(path: string): boolean;
  /** The contact point's kind, undefined when there is none of that name. */
  contactPointKind(name: string): string | undefined;
}

const FIELDS = ['name', 'area', 'domain', 'period', 'language', 'contactPoints', 'enabled'];
const MAX_CONTACT_POINTS = 10;

/** A new definition (`current` absent) or a change to one: every field of the body checked, every problem listed. */
export function parseReportSpec(body: unknown, context: ReportSpecContext, current?: ReportSpec): ReportSpec {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, FIELDS);
  if (read === undefined) throw new InvalidInputError('report definition', issues);
  const creating = current === undefined;
  const name = creating ? read.requiredString('name', { maxLength: 100 }) : read.string('name', { maxLength: 100 });
  let area: string | undefined;
  if (read.has('area')) {
    const raw = read.raw('area');
    if (typeof raw !== 'string' || parseAreaPath(raw) === undefined) read.fail('area', `must be "" for the county or ${AREA_PATH_RULE}`);
    else if (!context.areaExists(raw)) read.fail('area', `names no town or village of the county (GET /api/areas): ${raw}`);
    else area = raw;
  } else if (creating) read.missing('area', 'is required: "" for the county, a town, or Town/Village');
  let domain: string | null | undefined;
  const rawDomain = read.raw('domain');
  if (rawDomain !== undefined) {
    const raw = rawDomain;
    if (raw === null) domain = null;
    else if (typeof raw !== 'string' || !context.hasDomain(raw)) read.fail('domain', `must be null (every domain) or one of ${context.domains().join(', ')}`, 'one-of', { allowed: context.domains().join(', ') });
    else domain = raw;
  }
  const period = creating ? read.requiredOneOf('period', REPORT_PERIODS) : read.oneOf('period', REPORT_PERIODS);
  const language = read.oneOf('language', NOTIFY_LANGUAGES);
  const contactPoints = read.stringList('contactPoints', { maxItems: MAX_CONTACT_POINTS, pattern: CONTACT_POINT_NAME_PATTERN, patternText: CONTACT_POINT_NAME_TEXT });
  contactPoints?.forEach((point, index) => {
    const kind = context.contactPointKind(point);
    if (kind === undefined) read.fail(`contactPoints[${index}]`, `names no contact point (GET /api/contact-points): ${point}`);
    else if (kind !== 'email') read.fail(`contactPoints[${index}]`, `must be an email contact point: ${point} is ${kind} (reports are sent as an email with the report attached)`);
  });
  const enabled = read.boolean('enabled');
  if (issues.length > 0) throw new InvalidInputError('report definition', issues);
  const base: ReportSpec = current ?? { name: '', area: '', domain: null, period: 'monthly', language: 'en', contactPoints: [], enabled: true };
  return {
    name: name ?? base.name,
    area: area ?? base.area,
    domain: domain === undefined ? base.domain : domain,
    period: period ?? base.period,
    language: language ?? base.language,
    contactPoints: contactPoints ?? base.contactPoints,
    enabled: enabled ?? base.enabled,
  };
}

/** No report definition with that id (404). */
export class ReportNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(what: string, id: number | string) {
    super(`No ${what} ${id}`, { code: what === 'report run' ? 'report-run-not-found' : 'report-not-found', params: { id } });
    this.name = 'ReportNotFoundError';
  }
}

/** A request about reports that cannot be served as asked (400), e.g. a period not yet closed. */
export class ReportRequestError extends DomainError {
  readonly kind = 'invalid';

  constructor(message: string, code: string) {
    super(message, { code });
    this.name = 'ReportRequestError';
  }
}
