import type { AlertEventKind, Severity } from '@hub/api-types';
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

/** English and Simplified Chinese ship; the county's duty staff read their alerts in Chinese (HUB_NOTIFY_LANGUAGE=zh). */
export const MESSAGE_LANGUAGES: Readonly<Record<string, MessageTemplates>> = { en, zh };

export const DEFAULT_LANGUAGE = 'en';
