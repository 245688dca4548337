import type { JSX } from 'preact';
import { hubApi } from '../api/hub-api';
import { timeZoneChoice } from '../format/time';
import { chooseLanguage, currentLanguage, t } from '../i18n/i18n';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/languages';

/**
 * The language switch: each language named in itself; the choice is kept in this browser and, for an operator signed
 * in (`remember`), on the hub, so it follows them to another computer.
 */
export function LanguageSwitch(props: { remember?: boolean }): JSX.Element {
  const choose = async (language: Language): Promise<void> => {
    await chooseLanguage(language);
    if (props.remember) await rememberPreferences(language);
  };
  return (
    <label class="language-switch">
      <span class="visually-hidden">{t('shell.language')}</span>
      <select name="language" value={currentLanguage()} onChange={(event) => void choose(event.currentTarget.value as Language)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Saves the operator's language and clock on the hub; a failure leaves the choice in this browser only. */
export async function rememberPreferences(language: Language = currentLanguage()): Promise<void> {
  try {
    await hubApi.savePreferences({ language, timeZone: timeZoneChoice() });
  } catch {
    // Kept in this browser; the hub learns it at the next change.
  }
}
