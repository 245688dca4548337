import { setupI18n } from '@lingui/core';
import type en from './catalogues/en.json';
import { CATALOGUE_LOADERS } from './catalogue-loaders';
import { type Language, preferredLanguage } from './languages';

/** A key of the catalogues: en.json is the reference, so a misspelt key does not compile. */
export type MessageId = keyof typeof en;

/**
 * The console's words: Lingui's runtime with ICU MessageFormat messages ("{count, plural, one {# alert} other {#
 * alerts}}"), compiled when the console is built (vite.config.mts). `t` reads the language in force; a switch re-renders the app.
 */
export const i18n = setupI18n();

const STORAGE_KEY = 'hub.language';
const listeners = new Set<(language: Language) => void>();
let current: Language = 'en';

export function t(id: MessageId, values?: Record<string, unknown>): string {
  return i18n._(id, values);
}

export function currentLanguage(): Language {
  return ((i18n.locale as Language | '') || current);
}

/** The language to start in: the operator's saved choice, else the browser's. */
export function initialLanguage(): Language {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage refused (a locked-down browser): the browser's language then.
  }
  return preferredLanguage(saved, navigator.languages ?? [navigator.language]);
}

/** Loads the language's catalogue and makes it the one in force (and the page's `lang`). */
export async function loadLanguage(language: Language): Promise<void> {
  const { default: messages } = await CATALOGUE_LOADERS[language]();
  i18n.loadAndActivate({ locale: language, messages });
  current = language;
  document.documentElement.lang = language;
  for (const listener of listeners) listener(language);
}

/** The operator's choice: kept in this browser, and in force at once. */
export async function chooseLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not kept across visits; in force for this one.
  }
  await loadLanguage(language);
}

export function onLanguageChange(listener: (language: Language) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
