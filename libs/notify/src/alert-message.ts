import type { AlertEventKind, AlertView } from '@hub/api-types';
import Mustache from 'mustache';
import type { MessageTemplates } from './message-templates';

/** One alert change as a contact point receives it: the shape of @hub/alerts' AlertNotification it needs. */
export interface AlertChange {
  event: AlertEventKind;
  at: string;
  actor: string;
  note: string | null;
  alert: AlertView;
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
  since: string;
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

export function alertMessageView(change: AlertChange, publicUrl: string, templates: MessageTemplates, test: boolean): AlertMessageView {
  const { alert } = change;
  return {
    testPrefix: test ? templates.testPrefix : '',
    alertId: alert.id,
    ruleName: alert.ruleName,
    summary: alert.summary,
    severity: templates.severities[alert.severity],
    eventWords: templates.events[change.event],
    state: alert.state,
    domain: alert.domain,
    deviceId: alert.deviceId,
    town: alert.town,
    townOrNone: alert.town ?? '—',
    value: String(alert.value),
    unit: alert.unit,
    since: alert.startedAt,
    actor: change.actor === 'system' ? null : change.actor,
    note: change.note,
    link: alertLink(publicUrl, alert.id),
  };
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
