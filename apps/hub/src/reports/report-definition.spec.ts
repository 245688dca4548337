import { InvalidInputError } from '@hub/common';
import { parseReportSpec, type ReportSpecContext } from './report-definition';

const CONTEXT: ReportSpecContext = {
  hasDomain: (domain) => ['water', 'gas'].includes(domain),
  domains: () => ['water', 'gas'],
  areaExists: (path) => ['', 'Ashford', '米镇', '米镇/米村'].includes(path),
  contactPointKind: (name) => ({ office: 'email', robot: 'dingtalk' })[name],
};

function issuesOf(body: unknown, current?: Parameters<typeof parseReportSpec>[2]): unknown {
  try {
    parseReportSpec(body, CONTEXT, current);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map((issue) => `${issue.field} ${issue.problem}`);
    throw error;
  }
  return [];
}

describe('report definitions', () => {
  it('reads a definition with its defaults: every domain, English, no contact point, enabled', () => {
    expect(parseReportSpec({ name: 'County monthly', area: '', period: 'monthly' }, CONTEXT)).toEqual({ name: 'County monthly', area: '', domain: null, period: 'monthly', language: 'en', contactPoints: [], enabled: true });
    expect(parseReportSpec({ name: '米村周报', area: '米镇/米村', domain: 'gas', period: 'weekly', language: 'zh', contactPoints: ['office'], enabled: false }, CONTEXT)).toEqual({
      name: '米村周报',
      area: '米镇/米村',
      domain: 'gas',
      period: 'weekly',
      language: 'zh',
      contactPoints: ['office'],
      enabled: false,
    });
  });

  it('names every missing or bad field', () => {
    expect(issuesOf({})).toEqual(['name is required', 'area is required: "" for the county, a town, or Town/Village', 'period is required: one of daily, weekly, monthly']);
    expect(issuesOf({ name: 'x', area: 7, period: 'daily', contactPoints: ['robot', 'office', 'office'] })).toEqual([
      'area must be "" for the county or a town ("Ashford") or a village of a town ("Ashford/Millbrook"), each name of 1–100 characters without "/", control or invisible formatting characters',
      'contactPoints must not repeat an entry',
    ]);
    expect(issuesOf({ name: 'x', area: 'Ashford', period: 'daily', contactPoints: ['robot'], domain: 'sewage', enabled: 'yes' })).toEqual([
      'domain must be null (every domain) or one of water, gas',
      'contactPoints[0] must be an email contact point: robot is dingtalk (reports are sent as an email with the report attached)',
      'enabled must be true or false, got "yes"',
    ]);
    expect(issuesOf({ name: 'x', area: 'Ashford/Nowhere', period: 'daily' })).toEqual(['area names no town or village of the county (GET /api/areas): Ashford/Nowhere']);
    expect(issuesOf([])).toEqual(['(body) must be a JSON object, got an array']);
  });

  it('changes only the fields given; null takes the domain back to every domain', () => {
    const current = parseReportSpec({ name: 'Ashford', area: 'Ashford', domain: 'water', period: 'monthly' }, CONTEXT);
    expect(parseReportSpec({ enabled: false }, CONTEXT, current)).toEqual({ ...current, enabled: false });
    expect(parseReportSpec({ domain: null, language: 'zh' }, CONTEXT, current)).toEqual({ ...current, domain: null, language: 'zh' });
  });
});
