import { join } from 'node:path';
import type { AuditEntryView, ReportDefinitionView, ReportFigures, ReportRunPage, ReportRunView } from '@hub/api-types';
import { openSqliteDatabase } from '@hub/store';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send, type Session } from '../harness/operators';
import { SmtpSinkProcess } from '../harness/smtp-sink-process';
import { waitFor } from '../harness/wait-for';

const DATABASE = 'scheduled_reports';
const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Asia/Shanghai: UTC+8 all year, so the test finds the county's last month by itself. */
const SHANGHAI = 8 * HOUR;

/** The last month the county has closed: its first instant, the next month's first, its label. */
function lastMonthInShanghai(now: number): { start: number; end: number; label: string; before: { start: number; label: string } } {
  const local = new Date(now + SHANGHAI);
  const [year, month] = [local.getUTCFullYear(), local.getUTCMonth()];
  const at = (y: number, m: number): number => Date.UTC(y, m, 1) - SHANGHAI;
  const labelOf = (instant: number): string => new Date(instant + SHANGHAI).toISOString().slice(0, 7);
  const start = at(year, month - 1);
  return { start, end: at(year, month), label: labelOf(start), before: { start: at(year, month - 2), label: labelOf(at(year, month - 2)) } };
}

const MONTH = lastMonthInShanghai(Date.now());
const DAYS = Math.round((MONTH.end - MONTH.start) / DAY);
const noon = (day: number): number => MONTH.start + day * DAY + 12 * HOUR;

interface Line {
  readonly measurement: 'water' | 'gas';
  readonly deviceId: string;
  readonly town: string;
  readonly t: number;
  readonly flow?: number;
  readonly pressure?: number;
}

const line = (measurement: Line['measurement'], deviceId: string, town: string, t: number, fields: { flow?: number; pressure?: number }): Line => ({ measurement, deviceId, town, t, ...fields });
const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
/** ash-5's hours with no reading: hour 99 is followed by hour 104, a five-hour silence. */
const ASH5_MISSING = [100, 101, 102, 103];

/** What the devices sent last month (and just around it), in the hub's layout: measurement = domain, tags device_id and town. */
const SENT: readonly Line[] = [
  // Every day at noon, all month: its longest silence is a day, exactly its expected interval, so no gap.
  ...range(DAYS).map((day) => line('water', 'ash-1', 'Ashford', noon(day), { flow: day === 0 ? 10 : day === 1 ? 14 : 12, pressure: 301 + day })),
  // Just outside the month on either side (the end is exclusive): never in its figures.
  line('water', 'ash-1', 'Ashford', MONTH.start - 30 * MINUTE, { flow: 1000, pressure: 1000 }),
  line('water', 'ash-1', 'Ashford', MONTH.end, { flow: 1000, pressure: 1 }),
  // The first ten days only: silent from the tenth day's noon to the month's end.
  ...range(10).map((day) => line('water', 'ash-2', 'Ashford', noon(day), { flow: day % 2 === 0 ? 20 : 22 })),
  // ash-3 sends nothing. ash-4 has no expected interval: two readings.
  line('water', 'ash-4', 'Ashford', MONTH.start + 14 * DAY + 8 * HOUR, { flow: 5, pressure: 250 }),
  line('water', 'ash-4', 'Ashford', MONTH.start + 14 * DAY + 9 * HOUR, { flow: 7, pressure: 260 }),
  // Hourly at half past, but for four hours.
  ...range(DAYS * 24)
    .filter((hour) => !ASH5_MISSING.includes(hour))
    .map((hour) => line('water', 'ash-5', 'Ashford', MONTH.start + hour * HOUR + 30 * MINUTE, { flow: 8 })),
  // Another town, another domain: not Ashford's water.
  line('water', 'brk-1', 'Brookfield', noon(3), { flow: 500, pressure: 900 }),
  line('gas', 'ash-gas', 'Ashford', noon(3), { flow: 700, pressure: 90 }),
];

/** Registered devices: id, domain, town, expected interval (s). */
const DEVICES = [
  { deviceId: 'ash-1', domain: 'water', town: 'Ashford', expectedIntervalS: 86_400 },
  { deviceId: 'ash-2', domain: 'water', town: 'Ashford', expectedIntervalS: 86_400 },
  { deviceId: 'ash-3', domain: 'water', town: 'Ashford', expectedIntervalS: 3600 },
  { deviceId: 'ash-4', domain: 'water', town: 'Ashford' },
  { deviceId: 'ash-5', domain: 'water', town: 'Ashford', expectedIntervalS: 7200 },
  { deviceId: 'brk-1', domain: 'water', town: 'Brookfield', expectedIntervalS: 60 },
  { deviceId: 'ash-gas', domain: 'gas', town: 'Ashford', expectedIntervalS: 60 },
];

/** Alerts of last month as the alert store holds them: Ashford's water ones, and three that are not. */
const ALERTS = [
  { severity: 'critical', town: 'Ashford', domain: 'water', firedAt: MONTH.start + DAY, acknowledgeAfter: 10 * MINUTE, resolveAfter: HOUR },
  { severity: 'critical', town: 'Ashford', domain: 'water', firedAt: MONTH.start + 2 * DAY, acknowledgeAfter: 20 * MINUTE, resolveAfter: 3 * HOUR },
  { severity: 'warning', town: 'Ashford', domain: 'water', firedAt: MONTH.start + 3 * DAY, acknowledgeAfter: 60 * MINUTE, resolveAfter: 2 * HOUR },
  { severity: 'info', town: 'Ashford', domain: 'water', firedAt: MONTH.start + 4 * DAY, acknowledgeAfter: null, resolveAfter: 30 * MINUTE },
  { severity: 'critical', town: 'Brookfield', domain: 'water', firedAt: MONTH.start + DAY, acknowledgeAfter: MINUTE, resolveAfter: 2 * MINUTE },
  { severity: 'warning', town: 'Ashford', domain: 'gas', firedAt: MONTH.start + DAY, acknowledgeAfter: MINUTE, resolveAfter: 2 * MINUTE },
  { severity: 'warning', town: 'Ashford', domain: 'water', firedAt: MONTH.start - HOUR, acknowledgeAfter: MINUTE, resolveAfter: 2 * MINUTE },
] as const;

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const mean = (values: readonly number[]): number => sum(values) / values.length;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The figures of Ashford's water last month, computed from SENT, DEVICES and ALERTS alone. */
function expectedFigures(): ReportFigures {
  const inMonth = SENT.filter((entry) => entry.measurement === 'water' && entry.town === 'Ashford' && entry.t >= MONTH.start && entry.t < MONTH.end);
  const ashford = DEVICES.filter((device) => device.domain === 'water' && device.town === 'Ashford');
  const gaps = ashford.flatMap((device) => {
    const times = inMonth.filter((entry) => entry.deviceId === device.deviceId).map((entry) => entry.t);
    if (times.length === 0 || device.expectedIntervalS === undefined) return [];
    const silences = [times[0] - MONTH.start, MONTH.end - times[times.length - 1], ...times.slice(1).map((t, index) => t - times[index])];
    const longest = Math.max(...silences);
    return longest > device.expectedIntervalS * 1000 ? [{ deviceId: device.deviceId, longestSilenceMs: longest, expectedIntervalS: device.expectedIntervalS }] : [];
  });
  const metric = (name: 'flow' | 'pressure', metricName: string, unit: string, totalUnit: string | null) => {
    const readings = inMonth.filter((entry) => entry[name] !== undefined);
    const devices = [...new Set(readings.map((entry) => entry.deviceId))];
    const values = readings.map((entry) => entry[name] as number);
    const deviceMeans = devices.map((deviceId) => mean(readings.filter((entry) => entry.deviceId === deviceId).map((entry) => entry[name] as number)));
    return {
      domain: 'water',
      metric: metricName,
      unit,
      devices: devices.length,
      readings: readings.length,
      mean: sum(values) / values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      total: totalUnit === null ? null : sum(deviceMeans) * DAYS * 24,
      totalUnit,
    };
  };
  const alerts = ALERTS.filter((alert) => alert.town === 'Ashford' && alert.domain === 'water' && alert.firedAt >= MONTH.start && alert.firedAt < MONTH.end);
  const toAcknowledge = alerts.flatMap((alert) => (alert.acknowledgeAfter === null ? [] : [alert.acknowledgeAfter]));
  const toResolve = alerts.map((alert) => alert.resolveAfter);
  return {
    availability: [
      {
        domain: 'water',
        devices: ashford.length,
        reporting: new Set(inMonth.map((entry) => entry.deviceId)).size,
        withGaps: gaps.length,
        gaps: gaps.sort((a, b) => b.longestSilenceMs - a.longestSilenceMs),
      },
    ],
    alerts: {
      total: alerts.length,
      bySeverity: { critical: alerts.filter((alert) => alert.severity === 'critical').length, warning: alerts.filter((alert) => alert.severity === 'warning').length, info: alerts.filter((alert) => alert.severity === 'info').length },
      acknowledged: toAcknowledge.length,
      meanTimeToAcknowledgeMs: mean(toAcknowledge),
      medianTimeToAcknowledgeMs: median(toAcknowledge),
      resolved: toResolve.length,
      meanTimeToResolveMs: mean(toResolve),
      medianTimeToResolveMs: median(toResolve),
    },
    // In catalogue order: water's pressure_kpa comes before flow_m3h.
    metrics: [metric('pressure', 'pressure_kpa', 'kPa', null), metric('flow', 'flow_m3h', 'm³/h', 'm³')],
  };
}

/** Rows of the report's CSV (no quoted fields in it): section, domain, key, figure, value, unit. */
function csvRows(csv: string): string[][] {
  return csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((row) => row.split(','));
}

/**
 * Scheduled reports end to end: a real service and influxd (last month's readings written in the hub's layout, since
 * the ingest refuses readings older than a week), the alert store holding last month's alerts, a real SMTP server.
 * A town's monthly report, made by the hub's own schedule, equals what the test computes from what it sent; its page
 * and CSV carry those figures; it arrives by email; a restart does not make or send it again; scopes hold.
 */
describe('scheduled reports (real service, real influxd, real SMTP)', () => {
  let influxd: InfluxdProcess;
  let smtp: SmtpSinkProcess;
  let hub: HubProcess;
  let ashfordViewer: Session;
  let brookfieldViewer: Session;
  let definition: ReportDefinitionView;

  beforeAll(async () => {
    [influxd, smtp] = await Promise.all([InfluxdProcess.start(), SmtpSinkProcess.start()]);
    // Last month's readings are written straight into influxd: keep raw readings longer than the default 35 days,
    // which on some dates of the month would make InfluxDB refuse the month's first days.
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_ALERT_DEFAULT_RULES: 'off', HUB_RETENTION_RAW: '90d', HUB_TIME_ZONE: 'Asia/Shanghai', HUB_REPORTS_CHECK_INTERVAL: '1s', HUB_PUBLIC_URL: 'https://hub.county.example' });
    for (const device of DEVICES) expect((await hub.request('POST', '/api/devices', device)).status).toBe(201);
    const lines = SENT.map((entry) => {
      const fields = [entry.flow === undefined ? null : `flow_m3h=${entry.flow}`, entry.pressure === undefined ? null : `pressure_kpa=${entry.pressure}`].filter((field) => field !== null);
      return `${entry.measurement},device_id=${entry.deviceId},town=${entry.town} ${fields.join(',')} ${entry.t}`;
    });
    const written = await fetch(`${influxd.url}/write?db=${DATABASE}&precision=ms`, { method: 'POST', body: lines.join('\n') });
    expect(written.status).toBe(204);
    seedAlerts(join(hub.dataDir, 'hub.sqlite'));
    expect((await hub.request('POST', '/api/contact-points', { name: 'ashford-office', kind: 'email', settings: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'hub@county.example', to: ['ashford-office@county.example'] } })).status).toBe(201);
    expect((await hub.request('POST', '/api/contact-points', { name: 'duty-robot', kind: 'wecom', settings: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } })).status).toBe(201);
    await createOperator(hub, { username: 'ashford.viewer', password: PASSWORD, role: 'viewer', towns: ['Ashford'] });
    await createOperator(hub, { username: 'brookfield.viewer', password: PASSWORD, role: 'viewer', towns: ['Brookfield'] });
    [ashfordViewer, brookfieldViewer] = await Promise.all([login(hub, 'ashford.viewer', PASSWORD), login(hub, 'brookfield.viewer', PASSWORD)]);
  }, 60_000);

  afterAll(async () => {
    await hub?.cleanup();
    await smtp?.cleanup();
    await influxd?.cleanup();
  });

  it('refuses a bad definition with every problem named by its field', async () => {
    const answer = await hub.request<{ code: string; issues: unknown[] }>('POST', '/api/reports', { name: 'x', area: 'Ashford/Mill/Lane', domain: 'sewage', period: 'yearly', language: 'fr', contactPoints: ['duty-robot', 'nobody'], colour: 'red' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid-input');
    expect(answer.body.issues).toEqual([
      { field: 'colour', problem: 'is not a known field; allowed: name, area, domain, period, language, contactPoints, enabled', code: 'unknown-field', params: { allowed: 'name, area, domain, period, language, contactPoints, enabled' } },
      { field: 'area', problem: 'must be "" for the county or a town ("Ashford") or a village of a town ("Ashford/Millbrook"), each name of 1–100 characters without "/", control or invisible formatting characters' },
      { field: 'domain', problem: 'must be null (every domain) or one of water, power, gas, heat, traffic', code: 'one-of', params: { allowed: 'water, power, gas, heat, traffic' } },
      { field: 'period', problem: 'must be one of daily, weekly, monthly, got "yearly"', code: 'one-of', params: { allowed: 'daily, weekly, monthly', got: '"yearly"' } },
      { field: 'language', problem: 'must be one of en, zh, got "fr"', code: 'one-of', params: { allowed: 'en, zh', got: '"fr"' } },
      { field: 'contactPoints[0]', problem: 'must be an email contact point: duty-robot is wecom (reports are sent as an email with the report attached)' },
      { field: 'contactPoints[1]', problem: 'names no contact point (GET /api/contact-points): nobody' },
    ]);
    const unknown = await hub.request<{ issues: unknown[] }>('POST', '/api/reports', { name: 'x', area: 'Nowhere', period: 'daily' });
    expect(unknown.body.issues).toEqual([{ field: 'area', problem: 'names no town or village of the county (GET /api/areas): Nowhere' }]);
    // A town's admin keeps their town's reports only: another town is a 403 (that names nothing of it), known or not.
    await createOperator(hub, { username: 'ashford.admin', password: PASSWORD, role: 'admin', towns: ['Ashford'] });
    const ashfordAdmin = await login(hub, 'ashford.admin', PASSWORD);
    for (const area of ['Brookfield', 'Nowhere', '']) {
      const answer = await send<{ code: string }>(hub, 'POST', '/api/reports', ashfordAdmin.headers, { name: 'x', area, period: 'daily' });
      expect([area, answer.status, answer.body.code]).toEqual([area, 403, 'forbidden']);
    }
    expect((await hub.get<{ items: unknown[] }>('/api/audit?targetType=report')).body.items).toEqual([]);
  });

  it('makes Ashford’s monthly water report on schedule, with the figures the test computes from what it sent', async () => {
    const created = await hub.request<ReportDefinitionView>('POST', '/api/reports', { name: 'Ashford <water> monthly', area: 'Ashford', domain: 'water', period: 'monthly', language: 'zh', contactPoints: ['ashford-office'] });
    expect(created.status).toBe(201);
    definition = created.body;
    expect(definition).toMatchObject({ name: 'Ashford <water> monthly', area: 'Ashford', domain: 'water', period: 'monthly', language: 'zh', contactPoints: ['ashford-office'], enabled: true, createdBy: expect.any(String) as string });

    // Stored first, then emailed: wait for both.
    const page = await waitFor(() => hub.get<ReportRunPage>('/api/reports/runs'), (answer) => answer.body.items.length === 1 && answer.body.items[0].deliveries[0]?.status !== 'pending', 15_000, 'the scheduled report, emailed');
    const run = page.body.items[0];
    expect({ ...run, figures: undefined, deliveries: undefined, createdAt: undefined }).toEqual({
      id: run.id,
      definitionId: definition.id,
      name: 'Ashford <water> monthly',
      area: 'Ashford',
      domain: 'water',
      language: 'zh',
      period: 'monthly',
      label: MONTH.label,
      from: new Date(MONTH.start).toISOString(),
      to: new Date(MONTH.end).toISOString(),
      trigger: 'schedule',
      createdBy: 'hub',
      downloads: { html: `/api/reports/runs/${run.id}/html`, csv: `/api/reports/runs/${run.id}/csv` },
    });
    const expected = expectedFigures();
    expect(run.figures).toEqual(expected);
    // The same figures written out, so a mistake in the test's own arithmetic shows too.
    expect(run.figures.availability).toEqual([
      {
        domain: 'water',
        devices: 5,
        reporting: 4,
        withGaps: 2,
        gaps: [
          { deviceId: 'ash-2', longestSilenceMs: (DAYS - 9.5) * DAY, expectedIntervalS: 86_400 },
          { deviceId: 'ash-5', longestSilenceMs: 5 * HOUR, expectedIntervalS: 7200 },
        ],
      },
    ]);
    expect(run.figures.alerts).toEqual({
      total: 4,
      bySeverity: { critical: 2, warning: 1, info: 1 },
      acknowledged: 3,
      meanTimeToAcknowledgeMs: 30 * MINUTE,
      medianTimeToAcknowledgeMs: 20 * MINUTE,
      resolved: 4,
      meanTimeToResolveMs: 97.5 * MINUTE,
      medianTimeToResolveMs: 90 * MINUTE,
    });
    const [pressure, flow] = run.figures.metrics;
    expect([pressure.devices, pressure.readings, pressure.min, pressure.max, pressure.total]).toEqual([2, DAYS + 2, 250, 300 + DAYS, null]);
    // Device means 12 (ash-1), 21 (ash-2), 6 (ash-4) and 8 (ash-5): 47 m³/h over the month's hours.
    expect([flow.devices, flow.readings, flow.min, flow.max, flow.total, flow.totalUnit]).toEqual([4, DAYS + 10 + 2 + DAYS * 24 - 4, 5, 22, 47 * DAYS * 24, 'm³']);
    expect(run.deliveries).toEqual([{ contactPoint: 'ashford-office', status: 'sent', attempts: 1, answer: '250 2.0.0 Ok: queued as test-1' }]);
  });

  it('serves the printable page (escaped, with print CSS) and the CSV (BOM, exact values), and audits each download', async () => {
    const [run] = (await hub.get<ReportRunPage>('/api/reports/runs')).body.items;
    const html = await fetch(`${hub.httpUrl}${run.downloads.html}`, { headers: hub.adminHeaders });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-disposition')).toBe(`attachment; filename="report-${definition.id}-${MONTH.label}.html"`);
    const page = await html.text();
    expect(page).toContain(`<title>Ashford &lt;water&gt; monthly：Ashford，${MONTH.label}月报</title>`);
    expect(page).not.toContain('<water>');
    expect(page).toContain('@media print');
    expect(page).toContain('<th class="num">设备数</th>');
    expect(page).toContain(`<tr><td>water</td><td class="num">5</td><td class="num">4</td><td class="num">1</td><td class="num">2</td><td class="num">80</td></tr>`);
    expect(page).toContain('<tr><td>平均确认用时</td><td class="num">30 分钟</td></tr>');
    expect(page).toContain('<tr><td>恢复用时中位数</td><td class="num">1 小时 30 分钟</td></tr>');
    expect(page).toContain(`<td class="num">${(47 * DAYS * 24).toLocaleString('zh-CN')} m³</td>`);

    const csv = await fetch(`${hub.httpUrl}${run.downloads.csv}`, { headers: hub.adminHeaders });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csvRows(bytes.toString('utf8'));
    expect(rows[0]).toEqual(['部分', '领域', '键', '项目', '数值', '单位']);
    const value = (section: string, key: string): string | undefined => rows.find((row) => row[0] === section && row[2] === key)?.[4];
    const expected = expectedFigures();
    const flow = expected.metrics[1];
    expect(rows.filter((row) => row[0] === 'availability')).toEqual([
      ['availability', 'water', 'devices', '设备数', '5', ''],
      ['availability', 'water', 'reporting', '有上报', '4', ''],
      ['availability', 'water', 'silent', '无上报', '1', ''],
      ['availability', 'water', 'withGaps', '有中断', '2', ''],
    ]);
    expect(rows.filter((row) => row[0] === 'gap').map((row) => [row[2], Number(row[4])])).toEqual([
      ['ash-2', ((DAYS - 9.5) * DAY) / 1000],
      ['ash-5', 5 * 3600],
    ]);
    expect(value('alerts', 'critical')).toBe('2');
    expect(value('alerts', 'meanTimeToResolve')).toBe(String(97.5 * 60));
    expect(value('metric', 'flow_m3h.mean')).toBe(String(flow.mean));
    expect(value('metric', 'flow_m3h.total')).toBe(String(47 * DAYS * 24));
    expect(rows.find((row) => row[2] === 'flow_m3h.total')?.[5]).toBe('m³');
    expect(value('metric', 'pressure_kpa.max')).toBe(String(300 + DAYS));
    expect(value('report', 'from')).toBe(`${MONTH.label}-01 00:00`);

    const audit = (await hub.get<{ items: AuditEntryView[] }>('/api/audit?action=report.download')).body.items;
    expect(audit.map((entry) => [entry.action, entry.targetId, (entry.detail as { format: string }).format])).toEqual([
      ['report.download', String(definition.id), 'csv'],
      ['report.download', String(definition.id), 'html'],
    ]);
  });

  it('emails it to the contact point: subject, the page as the body, the CSV and page attached', async () => {
    const [mail] = await waitFor(() => smtp.messages(), (messages) => messages.length === 1, 10_000, 'the report email');
    expect(mail.rcptTos).toEqual(['ashford-office@county.example']);
    expect(mail.subject).toBe(`报表 Ashford <water> monthly：Ashford，${MONTH.label}`);
    expect(mail.text?.replace(/\r\n/g, '\n')).toContain('有上报设备：4 / 5。触发告警：4。\n\n全部报表：https://hub.county.example/reports\n');
    expect(mail.html).toContain('<tr><td>平均确认用时</td><td class="num">30 分钟</td></tr>');
    expect(mail.attachments.map((attachment) => [attachment.filename, attachment.contentType])).toEqual([
      [`report-${definition.id}-${MONTH.label}.csv`, 'text/csv'],
      [`report-${definition.id}-${MONTH.label}.html`, 'text/html'],
    ]);
    const rows = csvRows(mail.attachments[0].content);
    expect(rows.find((row) => row[2] === 'flow_m3h.total')?.[4]).toBe(String(47 * DAYS * 24));
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toContain('hub_reports_total{event="made"} 1\n');
    expect(metrics).toContain('hub_reports_total{event="delivered"} 1\n');
  });

  it('shows a town’s reports to its town only', async () => {
    const ashford = await send<ReportRunPage>(hub, 'GET', '/api/reports/runs', ashfordViewer.headers);
    expect(ashford.body.items.map((run) => [run.name, run.label])).toEqual([['Ashford <water> monthly', MONTH.label]]);
    const runId = ashford.body.items[0].id;
    expect((await send(hub, 'GET', `/api/reports/runs/${runId}/csv`, ashfordViewer.headers)).status).toBe(200);
    expect((await send<ReportRunPage>(hub, 'GET', '/api/reports/runs', brookfieldViewer.headers)).body.items).toEqual([]);
    for (const path of [`/api/reports/runs/${runId}`, `/api/reports/runs/${runId}/html`]) {
      const answer = await send<{ code: string }>(hub, 'GET', path, brookfieldViewer.headers);
      expect([answer.status, answer.body.code]).toEqual([404, 'report-run-not-found']);
    }
    expect((await send(hub, 'GET', '/api/reports', ashfordViewer.headers)).status).toBe(403);
  });

  it('makes one now for an earlier month, replacing it when run again, without an email; refuses a month not yet over', async () => {
    const open = await hub.request<{ code: string; message: string }>('POST', `/api/reports/${definition.id}/runs`, { date: new Date(Date.now() + SHANGHAI).toISOString().slice(0, 10) });
    expect([open.status, open.body.code]).toEqual([400, 'report-period-open']);
    // Four months ago: older than the 90 days of raw readings this hub keeps, so a report made now would be empty.
    const expired = await hub.request<{ code: string; message: string }>('POST', `/api/reports/${definition.id}/runs`, { date: new Date(Date.now() + SHANGHAI - 120 * 86_400_000).toISOString().slice(0, 10) });
    expect([expired.status, expired.body.code]).toEqual([400, 'report-period-expired']);
    expect(expired.body.message).toMatch(/^The raw readings of \d{4}-\d{2} are no longer kept \(HUB_RETENTION_RAW\)/);
    const date = `${MONTH.before.label}-15`;
    const first = await hub.request<ReportRunView>('POST', `/api/reports/${definition.id}/runs`, { date });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ label: MONTH.before.label, trigger: 'manual', from: new Date(MONTH.before.start).toISOString(), to: new Date(MONTH.start).toISOString(), deliveries: [] });
    // Nothing was sent that month but ash-1's reading half an hour before the next began.
    expect(first.body.figures.availability).toEqual([{ domain: 'water', devices: 5, reporting: 1, withGaps: 1, gaps: [{ deviceId: 'ash-1', longestSilenceMs: MONTH.start - 30 * MINUTE - MONTH.before.start, expectedIntervalS: 86_400 }] }]);
    const again = await hub.request<ReportRunView>('POST', `/api/reports/${definition.id}/runs`, { date });
    const runs = (await hub.get<ReportRunPage>(`/api/reports/runs?definition=${definition.id}`)).body.items;
    expect(runs.map((run) => [run.id, run.label, run.trigger])).toEqual([
      [again.body.id, MONTH.before.label, 'manual'],
      [runs[1].id, MONTH.label, 'schedule'],
    ]);
    expect((await hub.get(`/api/reports/runs/${first.body.id}`)).status).toBe(404);
    expect((await smtp.messages()).length).toBe(1);
  });

  it('makes and sends nothing twice across a restart', async () => {
    await hub.stop();
    await hub.launch();
    // Three checks at 1 s.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const runs = (await hub.get<ReportRunPage>('/api/reports/runs')).body.items;
    expect(runs.map((run) => [run.label, run.trigger])).toEqual([
      [MONTH.before.label, 'manual'],
      [MONTH.label, 'schedule'],
    ]);
    expect((await smtp.messages()).length).toBe(1);
  });
});

/** Last month's alerts into the hub's alert store (the engine only makes alerts of readings as they arrive, now). */
function seedAlerts(file: string): void {
  const db = openSqliteDatabase(file);
  try {
    const insert = db.prepare(
      `INSERT INTO alerts (rule_id, rule_name, condition_type, severity, domain, metric, unit, device_id, town, state, summary, started_at, fired_at, updated_at,
         condition_active, condition_ended_at, value, value_at, peak, peak_score, count, flapping, openings, acknowledged_by, acknowledged_at, resolved_at, resolved_by, resolution)
       VALUES ('seeded', 'Seeded', 'threshold', @severity, @domain, 'pressure_kpa', 'kPa', 'dev', @town, 'resolved', 'seeded', @firedAt, @firedAt, @resolvedAt,
         0, @resolvedAt, 1, @firedAt, 1, 1, 1, 0, '[]', @acknowledgedBy, @acknowledgedAt, @resolvedAt, 'someone', 'manual')`,
    );
    for (const alert of ALERTS) {
      insert.run({
        severity: alert.severity,
        domain: alert.domain,
        town: alert.town,
        firedAt: alert.firedAt,
        acknowledgedAt: alert.acknowledgeAfter === null ? null : alert.firedAt + alert.acknowledgeAfter,
        acknowledgedBy: alert.acknowledgeAfter === null ? null : 'someone',
        resolvedAt: alert.firedAt + alert.resolveAfter,
      });
    }
  } finally {
    db.close();
  }
}
