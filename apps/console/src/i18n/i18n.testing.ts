import en from './catalogues/en.json';
import zhCN from './catalogues/zh-CN.json';
import { i18n } from './i18n';
import type { Language } from './languages';

/** For unit tests (no browser, no chunk loading): a language's catalogue in force at once. */
export function useLanguageForTests(language: Language): void {
  i18n.loadAndActivate({ locale: language, messages: language === 'en' ? en : zhCN });
}
