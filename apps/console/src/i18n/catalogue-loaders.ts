import type { Language } from './languages';

/** Each language's catalogue is its own chunk: the console loads only the one in use. */
export const CATALOGUE_LOADERS: Readonly<Record<Language, () => Promise<{ default: Record<string, string> }>>> = {
  'zh-CN': () => import('./catalogues/zh-CN.json'),
  en: () => import('./catalogues/en.json'),
};
