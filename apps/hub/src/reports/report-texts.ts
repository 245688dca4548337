import type { NotifyLanguage } from '@hub/notify';
import en from './texts/en.json';
import zh from './texts/zh.json';

/** A report's words in one language: one JSON file per language under texts/, the same keys in each. */
export type ReportTexts = typeof en;

export const REPORT_TEXTS: Readonly<Record<NotifyLanguage, ReportTexts>> = { en, zh };

/** `{name}` → the value; unknown names are left as written. */
export function fill(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
