import { type AlertEventKind, type AlertView, ruleNameIn } from '@hub/api-types';
import Mustache from 'mustache';
import type { MessageTemplates } from './message-templates';

/** One alert change as a contact point receives it: the shape of @hub/alerts' AlertNotification it needs. */
export interface AlertChange {
  event: AlertEventKind;
  at: string;
  actor: string;
  note: string | null;
  alert: AlertView;
  /** The summary in other languages than the alert's stored (English) one, by language: `{ zh: "…" }`. */
  summaries?: Readonly<Record<string, string>>;
}

/** The fields a template may use. */
export interface AlertMessageView {
  testPrefix: string;
  alertId: number;
  ruleName: string;
  summary: string;
  severity: string;
  eventWords: string;
  state: string;
  domain: string;
  deviceId: string;
  town: string | null;
  townOrNone: string;
  value: string;
  unit: string;
  /** When the condition began, on the county's clock: `2026-12-06 12:50:00 (Asia/Shanghai)`. */
  since: string;
  /** The same instant for machines: ISO 8601, UTC. */
  sinceIso: string;
  actor: string | null;
  note: string | null;
  link: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  markdownTitle: string;
  markdown: string;
}

/** Only HTML is escaped: in mail text, markdown and JSON strings `&amp;` would be shown as typed. */
const NO_ESCAPE = { escape: (value: unknown): string => String(value) };
const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** The five characters that matter in text and quoted attributes; mustache's default also turns `/` into `&#x2F;`, which mangles links in mail clients that show the source. */
const HTML_ESCAPE = { escape: (value: unknown): string => String(value).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char]) };

/**
 * timeZone: the county's (HUB_TIME_ZONE), in which people on duty read `since` — the day and hour on their own clock,
 * not UTC's.
 */
export function alertMessageView(change: AlertChange, publicUrl: string, templates: MessageTemplates, test: boolean, timeZone = 'UTC'): AlertMessageView {
  const { alert } = change;
  return {
    testPrefix: test ? templates.testPrefix : '',
    alertId: alert.id,
    // A shipped default rule under its name in the message's language; an admin's own name as typed.
    ruleName: ruleNameIn(templates.language, alert.ruleName),
    summary: change.summaries?.[templates.language] ?? alert.summary,
    severity: templates.severities[alert.severity],
    eventWords: templates.events[change.event],
    state: alert.state,
    domain: alert.domain,
    deviceId: alert.deviceId,
    town: alert.town,
    townOrNone: alert.town ?? '—',
    value: String(alert.value),
    unit: alert.unit,
    since: localTime(alert.startedAt, timeZone),
    sinceIso: alert.startedAt,
    actor: change.actor === 'system' ? null : change.actor,
    note: change.note,
    link: alertLink(publicUrl, alert.id),
  };
}

/** `2026-12-06 12:50:00 (Asia/Shanghai)`: a wall-clock time read the same way in every language, with its zone. */
export function localTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const wall = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
  return `${wall} (${timeZone})`;
}

/** `{HUB_PUBLIC_URL}/alerts/{id}`: the console's alert detail page. */
export function alertLink(publicUrl: string, alertId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/alerts/${alertId}`;
}

export function renderMessage(view: AlertMessageView, templates: MessageTemplates): RenderedMessage {
  return {
    subject: renderTemplate('subject', templates.subject, view),
    text: renderTemplate('text', templates.text, view),
    html: renderTemplate('html', templates.html, view),
    markdownTitle: renderTemplate('markdownTitle', templates.markdownTitle, view),
    markdown: renderTemplate('markdown', templates.markdown, view),
  };
}

/** One template: html with HTML escaping, the subject on one line, the others as they render. */
export function renderTemplate(name: keyof RenderedMessage, template: string, view: AlertMessageView): string {
  if (name === 'html') return Mustache.render(template, view, {}, HTML_ESCAPE);
  const text = Mustache.render(template, view, {}, NO_ESCAPE);
  return name === 'subject' ? text.replace(/\s+/g, ' ').trim() : text;
}
