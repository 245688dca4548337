import { escapeHtml, renderReportCsv, renderReportHtml, reportEmail, spokenDuration, type ReportDocument } from './report-document';
import { periodOfDate } from './report-period';
import { REPORT_TEXTS } from './report-texts';

const DOCUMENT: ReportDocument = {
  name: 'Water, "east" <b>',
  area: 'Ashford/Mill Lane',
  domain: 'water',
  language: 'en',
  period: periodOfDate('daily', { year: 2026, month: 11, day: 30 }, 'Asia/Shanghai'),
  timeZone: 'Asia/Shanghai',
  createdAt: Date.parse('2026-11-30T16:00:05Z'),
  figures: {
    availability: [{ domain: 'water', devices: 3, reporting: 2, withGaps: 1, gaps: [{ deviceId: 'w<1>', longestSilenceMs: 5_400_000, expectedIntervalS: 900 }] }],
    alerts: { total: 1, bySeverity: { critical: 1, warning: 0, info: 0 }, acknowledged: 1, meanTimeToAcknowledgeMs: 90_000, medianTimeToAcknowledgeMs: 90_000, resolved: 0, meanTimeToResolveMs: null, medianTimeToResolveMs: null },
    metrics: [{ domain: 'water', metric: 'flow_m3h', unit: 'm³/h', devices: 2, readings: 3, mean: 12.345678, min: 1, max: 30, total: 1234.5, totalUnit: 'm³' }],
  },
};

describe('report renderings', () => {
  it('writes the CSV with a byte-order mark, CRLF, quoted fields where needed and full-precision values', () => {
    const csv = renderReportCsv(DOCUMENT);
    expect(csv.startsWith('\uFEFFSection,Domain,Key,Figure,Value,Unit\r\n')).toBe(true);
    expect(csv).toContain('\r\nreport,,name,Report,"Water, ""east"" <b>",\r\n');
    expect(csv).toContain('\r\nreport,,from,From,2026-11-30 00:00,Asia/Shanghai\r\n');
    expect(csv).toContain('\r\ngap,water,w<1>,Longest silence,5400,s\r\n');
    expect(csv).toContain('\r\nalerts,,meanTimeToAcknowledge,Mean time to acknowledge,90,s\r\n');
    expect(csv).toContain('\r\nalerts,,meanTimeToResolve,Mean time to resolve,,s\r\n');
    expect(csv).toContain('\r\nmetric,water,flow_m3h.mean,flow_m3h Mean,12.345678,m³/h\r\n');
    expect(csv.endsWith('metric,water,flow_m3h.total,flow_m3h Total,1234.5,m³\r\n')).toBe(true);
  });

  it('escapes every value in the page and rounds what it prints', () => {
    const html = renderReportHtml(DOCUMENT);
    expect(html).toContain('<title>Water, &quot;east&quot; &lt;b&gt;: Ashford/Mill Lane, day 2026-11-30</title>');
    expect(html).toContain('<td>w&lt;1&gt;</td>');
    expect(html).not.toMatch(/<b>|w<1>/);
    expect(html).toContain('<td class="num">12.35 m³/h</td>');
    expect(html).toContain('<td class="num">1,234.5 m³</td>');
    expect(html).toContain('<tr><td>Mean time to acknowledge</td><td class="num">1 min 30 s</td></tr>');
    expect(html).toContain('<tr><td>Mean time to resolve</td><td class="num">—</td></tr>');
    expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
  });

  it('says the county for the root area and speaks durations in the report’s language', () => {
    expect(reportEmail({ ...DOCUMENT, area: '', language: 'zh' }, 'https://hub/reports').subject).toBe('报表 Water, "east" <b>：全县，2026-11-30');
    expect(spokenDuration(2 * 86_400_000 + 3 * 3_600_000 + 59_000, REPORT_TEXTS.zh)).toBe('2 天 3 小时');
    expect(spokenDuration(500, REPORT_TEXTS.en)).toBe('0 s');
  });

  it('has every text in both languages', () => {
    const keys = (value: unknown, prefix = ''): string[] =>
      typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([key, inner]) => keys(inner, `${prefix}${key}.`)) : [prefix.slice(0, -1)];
    expect(keys(REPORT_TEXTS.zh)).toEqual(keys(REPORT_TEXTS.en));
  });
});
