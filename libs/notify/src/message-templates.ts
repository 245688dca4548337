import { ALERT_EVENT_KINDS, type AlertEventKind, SEVERITIES, type Severity } from '@hub/api-types';
import en from './templates/en.json';
import zh from './templates/zh.json';

/**
 * One language's message texts: mustache templates over the fields of `AlertMessageView`. One JSON file per
 * language under templates/; a second language is one more file and one more entry in MESSAGE_LANGUAGES.
 */
export interface MessageTemplates {
  language: string;
  events: Record<AlertEventKind, string>;
  severities: Record<Severity, string>;
  testPrefix: string;
  /** Email subject. */
  subject: string;
  /** Email text part, Feishu text, SMS-length-agnostic plain text. */
  text: string;
  /** Email HTML part: the only template rendered with HTML escaping. */
  html: string;
  /** Robot markdown title (DingTalk's `title`, Feishu's card header). */
  markdownTitle: string;
  /** DingTalk and WeCom markdown, Feishu card body (lark_md). */
  markdown: string;
}

export const NOTIFY_LANGUAGES = ['en', 'zh'] as const;
export type NotifyLanguage = (typeof NOTIFY_LANGUAGES)[number];

/** English and Simplified Chinese ship; the county's duty staff read their alerts in Chinese (HUB_NOTIFY_LANGUAGE=zh). */
export const MESSAGE_LANGUAGES: Readonly<Record<NotifyLanguage, MessageTemplates>> = { en, zh };

export const DEFAULT_LANGUAGE: NotifyLanguage = 'en';

export function isNotifyLanguage(value: unknown): value is NotifyLanguage {
  return typeof value === 'string' && (NOTIFY_LANGUAGES as readonly string[]).includes(value);
}

/** The mustache templates of a language, rendered over AlertMessageView. */
export const MUSTACHE_TEMPLATE_NAMES = ['subject', 'text', 'html', 'markdownTitle', 'markdown'] as const;
export type MustacheTemplateName = (typeof MUSTACHE_TEMPLATE_NAMES)[number];

/**
 * Every text an admin may override: the five mustache templates and the words put into them (`testPrefix`,
 * `events.fired`, `severities.critical`…), which are plain text, not templates.
 */
export type TemplateName = MustacheTemplateName | 'testPrefix' | `events.${AlertEventKind}` | `severities.${Severity}`;
export const TEMPLATE_NAMES: readonly TemplateName[] = [
  ...MUSTACHE_TEMPLATE_NAMES,
  'testPrefix',
  ...ALERT_EVENT_KINDS.map((kind): TemplateName => `events.${kind}`),
  ...SEVERITIES.map((severity): TemplateName => `severities.${severity}`),
];

export function isTemplateName(value: unknown): value is TemplateName {
  return typeof value === 'string' && (TEMPLATE_NAMES as readonly string[]).includes(value);
}

export function isMustacheTemplate(name: TemplateName): name is MustacheTemplateName {
  return (MUSTACHE_TEMPLATE_NAMES as readonly string[]).includes(name);
}

/** The text of one template name in a set. */
export function templateText(templates: MessageTemplates, name: TemplateName): string {
  if (name.startsWith('events.')) return templates.events[name.slice('events.'.length) as AlertEventKind];
  if (name.startsWith('severities.')) return templates.severities[name.slice('severities.'.length) as Severity];
  return templates[name as MustacheTemplateName | 'testPrefix'];
}

/** A copy of `base` with the given texts in place of its own. */
export function withOverrides(base: MessageTemplates, overrides: Readonly<Partial<Record<TemplateName, string>>>): MessageTemplates {
  const templates: MessageTemplates = { ...base, events: { ...base.events }, severities: { ...base.severities } };
  for (const [name, body] of Object.entries(overrides) as Array<[TemplateName, string | undefined]>) {
    if (body === undefined) continue;
    if (name.startsWith('events.')) templates.events[name.slice('events.'.length) as AlertEventKind] = body;
    else if (name.startsWith('severities.')) templates.severities[name.slice('severities.'.length) as Severity] = body;
    else templates[name as MustacheTemplateName | 'testPrefix'] = body;
  }
  return templates;
}

/** Where the sender reads a language's templates, each message anew, so an admin's change applies to the next one. */
export interface MessageTemplateSource {
  templatesFor(language: NotifyLanguage): MessageTemplates;
}

/** The shipped files alone. */
export const SHIPPED_TEMPLATES: MessageTemplateSource = { templatesFor: (language) => MESSAGE_LANGUAGES[language] };
