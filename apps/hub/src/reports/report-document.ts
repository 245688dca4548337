import { inertText } from '@hub/common';
import { SEVERITIES } from '@hub/api-types';
import type { NotifyLanguage } from '@hub/notify';
import type { AlertFigures, ReportFigures } from './report-figures';
import type { ReportPeriod } from './report-period';
import { fill, REPORT_TEXTS, type ReportTexts } from './report-texts';

/** Everything a rendering needs: what the report covers and its figures. */
export interface ReportDocument {
  readonly name: string;
  readonly area: string;
  readonly domain: string | null;
  readonly language: NotifyLanguage;
  readonly period: ReportPeriod;
  readonly timeZone: string;
  readonly createdAt: number;
  readonly figures: ReportFigures;
}

/** One figure of the report: its section, domain, stable key, words, value and unit — a row of the CSV. */
interface FigureRow {
  readonly section: string;
  readonly domain: string;
  readonly key: string;
  readonly figure: string;
  readonly value: string | number | null;
  readonly unit: string;
}

export function titleOf(document: ReportDocument): string {
  const texts = REPORT_TEXTS[document.language];
  return fill(texts.title, { name: document.name, area: areaName(document, texts), period: texts.periods[document.period.kind], label: document.period.label });
}

function areaName(document: Pick<ReportDocument, 'area'>, texts: ReportTexts): string {
  return document.area === '' ? texts.county : document.area;
}

/** "2026-11-01 00:00" in the county's zone. */
export function localTime(instant: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** 5400000 → "1 h 30 min" / "1 小时 30 分钟": the two largest units, whole. */
export function spokenDuration(ms: number | null, texts: ReportTexts): string {
  if (ms === null) return '—';
  const units: Array<[string, number]> = [
    [texts.durations.d, 86_400_000],
    [texts.durations.h, 3_600_000],
    [texts.durations.min, 60_000],
    [texts.durations.s, 1000],
  ];
  const first = units.findIndex(([, size]) => ms >= size);
  if (first < 0) return `0 ${texts.durations.s}`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units.slice(first, first + 2)) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
  }
  return parts.join(' ');
}

/** Figures as printed: at most 2 decimals, digits grouped in the language's way. */
function printed(value: number | null, texts: ReportTexts): string {
  if (value === null) return '—';
  return value.toLocaleString(texts.locale, { maximumFractionDigits: 2 });
}

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

function alertRows(alerts: AlertFigures, texts: ReportTexts): FigureRow[] {
  const row = (key: string, figure: string, value: number | null, unit = ''): FigureRow => ({ section: 'alerts', domain: '', key, figure, value, unit });
  return [
    row('total', texts.alerts.total, alerts.total),
    ...[...SEVERITIES].reverse().map((severity) => row(severity, texts.alerts[severity], alerts.bySeverity[severity])),
    row('acknowledged', texts.alerts.acknowledged, alerts.acknowledged),
    row('meanTimeToAcknowledge', texts.alerts.meanTimeToAcknowledge, seconds(alerts.meanTimeToAcknowledgeMs), 's'),
    row('medianTimeToAcknowledge', texts.alerts.medianTimeToAcknowledge, seconds(alerts.medianTimeToAcknowledgeMs), 's'),
    row('resolved', texts.alerts.resolved, alerts.resolved),
    row('meanTimeToResolve', texts.alerts.meanTimeToResolve, seconds(alerts.meanTimeToResolveMs), 's'),
    row('medianTimeToResolve', texts.alerts.medianTimeToResolve, seconds(alerts.medianTimeToResolveMs), 's'),
  ];
}

/** Every figure of the report as rows: the CSV, in the order the HTML shows them. */
function figureRows(document: ReportDocument): FigureRow[] {
  const texts = REPORT_TEXTS[document.language];
  const rows: FigureRow[] = [
    { section: 'report', domain: '', key: 'name', figure: texts.facts.name, value: document.name, unit: '' },
    { section: 'report', domain: '', key: 'area', figure: texts.facts.area, value: document.area, unit: '' },
    { section: 'report', domain: '', key: 'domain', figure: texts.facts.domain, value: document.domain ?? '', unit: '' },
    { section: 'report', domain: '', key: 'period', figure: texts.facts.period, value: document.period.label, unit: '' },
    { section: 'report', domain: '', key: 'from', figure: texts.facts.from, value: localTime(document.period.start, document.timeZone), unit: document.timeZone },
    { section: 'report', domain: '', key: 'to', figure: texts.facts.to, value: localTime(document.period.end, document.timeZone), unit: document.timeZone },
  ];
  for (const domain of document.figures.availability) {
    const row = (key: string, figure: string, value: number): FigureRow => ({ section: 'availability', domain: domain.domain, key, figure, value, unit: '' });
    rows.push(
      row('devices', texts.availability.devices, domain.devices),
      row('reporting', texts.availability.reporting, domain.reporting),
      row('silent', texts.availability.silent, domain.devices - domain.reporting),
      row('withGaps', texts.availability.withGaps, domain.withGaps),
    );
    for (const gap of domain.gaps) rows.push({ section: 'gap', domain: domain.domain, key: gap.deviceId, figure: texts.gaps.longestSilence, value: gap.longestSilenceMs / 1000, unit: 's' });
  }
  rows.push(...alertRows(document.figures.alerts, texts));
  for (const metric of document.figures.metrics) {
    const row = (key: string, figure: string, value: number, unit: string): FigureRow => ({ section: 'metric', domain: metric.domain, key: `${metric.metric}.${key}`, figure: `${metric.metric} ${figure}`, value, unit });
    rows.push(
      row('devices', texts.metrics.devices, metric.devices, ''),
      row('readings', texts.metrics.readings, metric.readings, ''),
      row('mean', texts.metrics.mean, metric.mean, metric.unit),
      row('min', texts.metrics.min, metric.min, metric.unit),
      row('max', texts.metrics.max, metric.max, metric.unit),
    );
    if (metric.total !== null) rows.push(row('total', texts.metrics.total, metric.total, metric.totalUnit ?? ''));
  }
  return rows;
}

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. Text that a spreadsheet would run as
 * a formula (a report's or area's name starting with = + - @) gets a leading ', as in the exports; numbers stay numbers.
 */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : typeof value === 'number' ? String(value) : (inertText(value) ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV: UTF-8 with a byte-order mark, so Excel opens Chinese names and units correctly; CRLF line ends (RFC 4180).
 * Values are full precision; `key` is stable across languages, for scripts.
 */
export function renderReportCsv(document: ReportDocument): string {
  const texts = REPORT_TEXTS[document.language];
  const header = [texts.csv.section, texts.csv.domain, texts.csv.key, texts.csv.figure, texts.csv.value, texts.csv.unit];
  const lines = [header, ...figureRows(document).map((row) => [row.section, row.domain, row.key, row.figure, row.value, row.unit])].map((fields) => fields.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, numericFrom = 1): string {
  const head = headers.map((header, index) => `<th${index >= numericFrom ? ' class="num"' : ''}>${escapeHtml(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, index) => `<td${index >= numericFrom ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#111;margin:2rem auto;max-width:60rem;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;margin:.25rem 0}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}.num{text-align:right;font-variant-numeric:tabular-nums}dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}dt{font-weight:600}dd{margin:0}
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}table,tr{break-inside:avoid}th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@page{size:A4;margin:15mm}`;

/** The printable page: self-contained (inline CSS, no script), every value escaped. */
export function renderReportHtml(document: ReportDocument): string {
  const texts = REPORT_TEXTS[document.language];
  const { figures } = document;
  const title = titleOf(document);
  const facts: Array<[string, string]> = [
    [texts.facts.area, areaName(document, texts)],
    [texts.facts.domain, document.domain ?? texts.allDomains],
    [texts.facts.period, `${texts.periods[document.period.kind]} ${document.period.label}`],
    [texts.facts.from, localTime(document.period.start, document.timeZone)],
    [texts.facts.to, localTime(document.period.end, document.timeZone)],
    [texts.facts.timeZone, document.timeZone],
    [texts.facts.generated, localTime(document.createdAt, document.timeZone)],
  ];
  const availability = table(
    [texts.availability.domain, texts.availability.devices, texts.availability.reporting, texts.availability.silent, texts.availability.withGaps, texts.availability.share],
    figures.availability.map((domain) => [domain.domain, domain.devices, domain.reporting, domain.devices - domain.reporting, domain.withGaps, domain.devices === 0 ? '—' : printed((100 * domain.reporting) / domain.devices, texts)]),
  );
  const gaps = figures.availability.flatMap((domain) => domain.gaps.map((gap) => [gap.deviceId, domain.domain, spokenDuration(gap.longestSilenceMs, texts), spokenDuration(gap.expectedIntervalS * 1000, texts)]));
  const alerts = alertRows(figures.alerts, texts).map((row) => [row.figure, row.unit === 's' ? spokenDuration(row.value === null ? null : Number(row.value) * 1000, texts) : printed(Number(row.value), texts)]);
  const metrics =
    figures.metrics.length === 0
      ? `<p>${escapeHtml(texts.noReadings)}</p>`
      : table(
          [texts.metrics.domain, texts.metrics.metric, texts.metrics.devices, texts.metrics.readings, texts.metrics.mean, texts.metrics.min, texts.metrics.max, texts.metrics.total],
          figures.metrics.map((metric) => [
            metric.domain,
            metric.metric,
            metric.devices,
            metric.readings,
            `${printed(metric.mean, texts)} ${metric.unit}`,
            `${printed(metric.min, texts)} ${metric.unit}`,
            `${printed(metric.max, texts)} ${metric.unit}`,
            metric.total === null ? '—' : `${printed(metric.total, texts)} ${metric.totalUnit ?? ''}`,
          ]),
          2,
        );
  return `<!doctype html>
<html lang="${document.language === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<dl>
${facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}
</dl>
<h2>${escapeHtml(texts.sections.availability)}</h2>
${availability}
<h2>${escapeHtml(texts.sections.gaps)}</h2>
${gaps.length === 0 ? `<p>${escapeHtml(texts.none)}</p>` : table([texts.gaps.device, texts.availability.domain, texts.gaps.longestSilence, texts.gaps.expectedInterval], gaps, 2)}
<h2>${escapeHtml(texts.sections.alerts)}</h2>
${table([texts.sections.alerts, texts.csv.value], alerts)}
<h2>${escapeHtml(texts.sections.metrics)}</h2>
${metrics}
</body>
</html>
`;
}

/** The email: subject, a short text, the page as its HTML part; the caller attaches the CSV (and the page). */
export function reportEmail(document: ReportDocument, link: string): { subject: string; text: string } {
  const texts = REPORT_TEXTS[document.language];
  const values = {
    name: document.name,
    area: areaName(document, texts),
    period: texts.periods[document.period.kind],
    label: document.period.label,
    reporting: document.figures.availability.reduce((sum, domain) => sum + domain.reporting, 0),
    devices: document.figures.availability.reduce((sum, domain) => sum + domain.devices, 0),
    alerts: document.figures.alerts.total,
    link,
  };
  return { subject: fill(texts.email.subject, values), text: fill(texts.email.text, values) };
}
