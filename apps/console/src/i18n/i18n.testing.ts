import en from './catalogues/en.json';
import zhCN from './catalogues/zh-CN.json';
import { compileMessage } from '@lingui/message-utils/compileMessage';
import { i18n } from './i18n';
import type { Language } from './languages';

/** For unit tests (no browser, no chunk loading): a language's catalogue in force at once. */
export function useLanguageForTests(language: Language): void {
  // The built console loads catalogues compiled at build time; tests read the JSON, compiled on first use.
  i18n.setMessagesCompiler(compileMessage);
  i18n.loadAndActivate({ locale: language, messages: language === 'en' ? en : zhCN });
}
