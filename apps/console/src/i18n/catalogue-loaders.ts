import type { Messages } from '@lingui/core';
import type { Language } from './languages';

/**
 * Each language's catalogue is its own chunk, compiled when the console is built (vite.config.mts): the console
 * loads only the one in use.
 */
export const CATALOGUE_LOADERS: Readonly<Record<Language, () => Promise<{ default: Messages }>>> = {
  'zh-CN': () => import('virtual:hub-catalogue/zh-CN'),
  en: () => import('virtual:hub-catalogue/en'),
};
