import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { NotificationTemplatesView, NotificationTemplateView, TemplatePreview } from '@hub/api-types';
import { ApiError, getJson, sendJson } from '../../api/http';
import { FieldError, invalidProps } from '../../components/field-error';
import { ErrorNotice, Loading } from '../../components/states';
import { useResource } from '../../hooks/use-resource';
import { type MessageId, t } from '../../i18n/i18n';
import { TemplatePreviewPanel } from './template-preview-panel';

/** Kept in this module (not hub-api.ts) so that the page can be split off the main bundle whole. */
const templatesApi = {
  list: (signal?: AbortSignal) => getJson<NotificationTemplatesView>('/api/notification-templates', signal),
  save: (language: string, name: string, body: string) => sendJson<NotificationTemplateView>('PUT', `/api/notification-templates/${language}/${encodeURIComponent(name)}`, { body }),
  revert: (language: string, name: string) => sendJson<NotificationTemplateView>('DELETE', `/api/notification-templates/${language}/${encodeURIComponent(name)}`),
  preview: (language: string, name: string, body: string) => sendJson<TemplatePreview>('POST', '/api/notification-templates/preview', { language, template: { [name]: body } }),
};

const LANGUAGE_LABELS: Readonly<Record<string, MessageId>> = { en: 'notify.templates.language.en', zh: 'notify.templates.language.zh' };
/** A pause in typing before the hub renders the draft: one request per pause, not per key. */
const PREVIEW_DELAY_MS = 300;

type Fields = Readonly<Record<string, string>>;

/**
 * Message templates as county-wide admins shape them: pick a language and a template, edit it, see the sample alert
 * rendered by the hub as you type (the hub's own checks, so an error here is the one a save would get), then save or
 * go back to the shipped text.
 */
export function NotificationTemplatesAdmin(): JSX.Element {
  const templates = useResource((signal) => templatesApi.list(signal), []);
  const [language, setLanguage] = useState('zh');
  const [name, setName] = useState('subject');
  const [draft, setDraft] = useState<string | undefined>();
  const [fields, setFields] = useState<Fields>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [preview, setPreview] = useState<TemplatePreview | undefined>();
  const [pending, setPending] = useState(false);
  const [busy, setBusy] = useState(false);
  const latest = useRef(0);

  const current = templates.data?.languages.find((entry) => entry.language === language)?.templates.find((entry) => entry.name === name);
  const text = draft ?? current?.body ?? '';

  useEffect(() => {
    if (!current) return;
    const request = ++latest.current;
    setPending(true);
    const timer = setTimeout(() => {
      templatesApi.preview(language, name, text).then(
        (answer) => {
          if (request !== latest.current) return;
          setPreview(answer);
          setFields({});
          setFailure(undefined);
          setPending(false);
        },
        (error: unknown) => {
          if (request !== latest.current) return;
          setPending(false);
          const problem = error instanceof ApiError ? error.fields[`template.${name}`] : undefined;
          if (problem) setFields({ body: problem });
          else setFailure(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [language, name, text, current !== undefined]);

  const pick = (nextLanguage: string, nextName: string): void => {
    setLanguage(nextLanguage);
    setName(nextName);
    setDraft(undefined);
    setFields({});
    setFailure(undefined);
  };

  const act = async (action: () => Promise<NotificationTemplateView>): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      const saved = await action();
      setDraft(saved.body);
      setFields({});
      templates.reload();
    } catch (error) {
      const named = error instanceof ApiError ? error.fields : {};
      if (named.body) setFields({ body: named.body });
      else setFailure(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setBusy(false);
    }
  };

  if (!templates.data) {
    return <section class="card">{templates.error ? <ErrorNotice error={templates.error} onRetry={templates.reload} /> : <Loading what={t('notify.templates.loading')} />}</section>;
  }
  const names = templates.data.languages[0]?.templates.map((entry) => entry.name) ?? [];
  return (
    <section class="card" aria-labelledby="templates-title">
      <div class="card-header">
        <h2 class="card-title" id="templates-title">
          {t('notify.templates.title')}
        </h2>
      </div>
      <p class="muted">{t('notify.templates.intro')}</p>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">{t('notify.templates.language')}</span>
            <select name="language" value={language} onChange={(event) => pick(event.currentTarget.value, name)}>
              {templates.data.languages.map((entry) => (
                <option key={entry.language} value={entry.language}>
                  {Object.hasOwn(LANGUAGE_LABELS, entry.language) ? t(LANGUAGE_LABELS[entry.language]) : entry.language}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('notify.templates.template')}</span>
            <select name="template" value={name} onChange={(event) => pick(language, event.currentTarget.value)}>
              {names.map((entry) => (
                <option key={entry} value={entry}>
                  {entry}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <div class="template-editor">
        <div>
          <div class="field">
            <label>
              <span class="field-label">
                {language}/{name} {current?.override ? <span class="badge">{t('notify.templates.changedBy', { user: current.override.updatedBy })}</span> : <span class="muted small">{t('notify.templates.shipped')}</span>}
              </span>
              <textarea name="body" class="code-input" rows={current?.kind === 'words' ? 2 : 12} spellcheck={false} value={text} onInput={(event) => setDraft(event.currentTarget.value)} {...invalidProps(fields, 'body')} />
            </label>
            <p class="field-hint">{current?.kind === 'words'
                ? t('notify.templates.hint.words')
                : current?.kind === 'html'
                  ? t('notify.templates.hint.html', { field: '{{field}}' })
                  : t('notify.templates.hint.text', { field: '{{field}}', section: '{{#field}}…{{/field}}' })}</p>
            <FieldError fields={fields} path="body" />
          </div>
          {failure && <ErrorNotice error={failure} compact />}
          <div class="action-buttons">
            <button type="button" class="button button-primary" disabled={busy || text === current?.body} onClick={() => void act(() => templatesApi.save(language, name, text))}>
              {t('notify.templates.save')}
            </button>
            <button type="button" class="button" disabled={busy || !current?.override} onClick={() => void act(() => templatesApi.revert(language, name))}>
              {t('notify.templates.revert')}
            </button>
          </div>
          <details class="template-fields">
            <summary>{t('notify.templates.fields')}</summary>
            <dl>
              {templates.data.fields.map((field) => (
                <div key={field.name}>
                  <dt>
                    <code>{`{{${field.name}}}`}</code>
                  </dt>
                  <dd>{field.description}</dd>
                </div>
              ))}
            </dl>
          </details>
        </div>
        <TemplatePreviewPanel preview={preview} pending={pending} />
      </div>
    </section>
  );
}
