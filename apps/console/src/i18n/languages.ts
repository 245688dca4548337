/**
 * The console's languages: Simplified Chinese first (the county's staff), then English. Another language is one more
 * entry here, one more catalogue file (catalogues/<code>.json, every key of en.json) and one more loader in
 * catalogue-loaders.ts.
 */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, so whoever reads only that one finds it in the switch. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { 'zh-CN': '简体中文', en: 'English' };

/**
 * The operator's saved choice if it is one of ours, else the browser's first language we have (any zh → zh-CN),
 * else English.
 */
export function preferredLanguage(saved: string | null | undefined, browser: readonly string[]): Language {
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  for (const tag of browser) {
    const lower = tag.toLowerCase();
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
    if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  }
  return 'en';
}
