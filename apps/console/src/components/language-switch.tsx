import type { JSX } from 'preact';
import { chooseLanguage, currentLanguage, t } from '../i18n/i18n';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/languages';

/** The header's language switch: each language named in itself; the choice is kept in this browser. */
export function LanguageSwitch(): JSX.Element {
  return (
    <label class="language-switch">
      <span class="visually-hidden">{t('shell.language')}</span>
      <select name="language" value={currentLanguage()} onChange={(event) => void chooseLanguage(event.currentTarget.value as Language)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </label>
  );
}
