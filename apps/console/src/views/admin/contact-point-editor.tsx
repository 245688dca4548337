import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { CONTACT_POINT_KINDS, CONTACT_POINT_LANGUAGES, type ContactPointKind, type ContactPointLanguage, type ContactPointView } from '@hub/api-types';
import { ApiError } from '../../api/http';
import { hubApi } from '../../api/hub-api';
import { FieldError, invalidProps } from '../../components/field-error';
import { ErrorNotice } from '../../components/states';
import {
  type ContactPointDraft, contactPointChange, draftOf, emptyContactPointDraft, formProblems, isClearable, isSecret, KIND_FIELDS, kindLabel, newContactPointBody, type SettingKey,
} from '../../contact-points/contact-point-draft';
import { type MessageId, t } from '../../i18n/i18n';

type Fields = Readonly<Record<string, string>>;

/** Each with its own name in brackets, so an operator who reads only one of them finds it. */
const LANGUAGE_LABELS: Readonly<Record<ContactPointLanguage, MessageId>> = { en: 'notify.contactPoints.language.en', zh: 'notify.contactPoints.language.zh' };

interface FieldSpec {
  readonly label: MessageId;
  readonly hint?: MessageId;
  /** Code put into the hint ({{json.phones}}): written as it is typed, in every language. */
  readonly hintCode?: string;
  /** An example of the value: data, the same in every language. */
  readonly placeholder?: string;
  /** A multi-line input of this many rows. */
  readonly rows?: number;
  readonly choices?: readonly string[];
  /** Words for choices that are not protocol names (card, text); the others are shown as the hub names them. */
  readonly choiceLabels?: Readonly<Record<string, MessageId>>;
  /** The path the hub names in its 400 (success is one setting split in two inputs). */
  readonly path?: string;
}

/** Labels and hints per setting; where a kind reads one differently, KIND_SPECS overrides it. */
const SPECS: Readonly<Record<SettingKey, FieldSpec>> = {
  host: { label: 'notify.contactPoints.field.host', placeholder: 'smtp.county.example' },
  port: { label: 'notify.contactPoints.field.port', hint: 'notify.contactPoints.field.portHint' },
  security: { label: 'notify.contactPoints.field.security', choices: ['starttls', 'tls', 'none'], hint: 'notify.contactPoints.field.securityHint' },
  username: { label: 'notify.contactPoints.field.username', hint: 'notify.contactPoints.field.usernameHint' },
  password: { label: 'notify.contactPoints.field.password' },
  ca: { label: 'notify.contactPoints.field.ca', rows: 4, placeholder: '-----BEGIN CERTIFICATE-----', hint: 'notify.contactPoints.field.caHint' },
  from: { label: 'notify.contactPoints.field.from', placeholder: 'alerts@county.example' },
  to: { label: 'notify.contactPoints.field.to', rows: 3, placeholder: 'duty@county.example' },
  url: { label: 'notify.contactPoints.field.url', placeholder: 'https://' },
  secret: { label: 'notify.contactPoints.field.secret' },
  format: { label: 'notify.contactPoints.field.format', choices: ['card', 'text'], choiceLabels: { card: 'notify.contactPoints.field.formatCard', text: 'notify.contactPoints.field.formatText' } },
  method: { label: 'notify.contactPoints.field.method', choices: ['POST', 'PUT', 'GET'] },
  headers: { label: 'notify.contactPoints.field.headers', rows: 3, placeholder: 'Authorization: Bearer …' },
  contentType: { label: 'notify.contactPoints.field.contentType', placeholder: 'application/json', hint: 'notify.contactPoints.field.contentTypeHint' },
  body: { label: 'notify.contactPoints.field.body', rows: 4, hint: 'notify.contactPoints.field.bodyHint', hintCode: '{{json.phones}}, {{json.templateId}}, {{json.paramsText}}' },
  templateId: { label: 'notify.contactPoints.field.templateId', placeholder: 'SMS_154950909' },
  phoneNumbers: { label: 'notify.contactPoints.field.phoneNumbers', rows: 3, placeholder: '+8613800000000' },
  successPath: { label: 'notify.contactPoints.field.successPath', placeholder: 'Code', hint: 'notify.contactPoints.field.successPathHint', path: 'success.jsonPath' },
  successEquals: { label: 'notify.contactPoints.field.successEquals', placeholder: '"OK"', hint: 'notify.contactPoints.field.successEqualsHint', path: 'success.equals' },
};

const KIND_SPECS: Partial<Record<ContactPointKind, Partial<Record<SettingKey, FieldSpec>>>> = {
  dingtalk: {
    url: { label: 'notify.contactPoints.field.robotUrl', placeholder: 'https://oapi.dingtalk.com/robot/send?access_token=…' },
    secret: { label: 'notify.contactPoints.field.dingtalkSecret', hint: 'notify.contactPoints.field.dingtalkSecretHint' },
  },
  feishu: {
    url: { label: 'notify.contactPoints.field.robotUrl', placeholder: 'https://open.feishu.cn/open-apis/bot/v2/hook/…' },
    secret: { label: 'notify.contactPoints.field.feishuSecret', hint: 'notify.contactPoints.field.feishuSecretHint' },
  },
  wecom: { url: { label: 'notify.contactPoints.field.robotUrl', placeholder: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…', hint: 'notify.contactPoints.field.wecomUrlHint' } },
  sms: { url: { label: 'notify.contactPoints.field.urlTemplate', placeholder: 'https://sms.gateway.example/v1/send', hint: 'notify.contactPoints.field.urlTemplateHint', hintCode: '{{form.phones}}' } },
  webhook: {
    url: { label: 'notify.contactPoints.field.url', placeholder: 'https://duty.county.example/hooks/alerts' },
    secret: { label: 'notify.contactPoints.field.secret', hint: 'notify.contactPoints.field.webhookSecretHint' },
  },
};

const specOf = (kind: ContactPointKind, key: SettingKey): FieldSpec => ({ ...SPECS[key], ...KIND_SPECS[kind]?.[key] });

/**
 * One contact point's form: new (name and kind chosen) or saved (both fixed). The hub checks everything and answers
 * each bad field with its problem, shown under that field. Secrets are never shown back: on a saved contact point
 * their inputs start empty, and left blank they keep the stored value.
 */
export function ContactPointEditor(props: { saved?: ContactPointView; onSaved: (point: ContactPointView) => void; onClose: () => void }): JSX.Element {
  const { saved } = props;
  const [draft, setDraft] = useState<ContactPointDraft>(() => (saved ? draftOf(saved) : emptyContactPointDraft()));
  const [fields, setFields] = useState<Fields>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const setValue = (key: SettingKey, value: string): void => setDraft((current) => ({ ...current, values: { ...current.values, [key]: value } }));
  const setClear = (key: SettingKey, on: boolean): void =>
    setDraft((current) => ({ ...current, clear: on ? [...current.clear, key] : current.clear.filter((item) => item !== key) }));

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFailure(undefined);
    setNotice(undefined);
    const change = saved ? contactPointChange(draft, saved) : undefined;
    if (change !== undefined && change.settings === undefined && change.language === undefined) {
      setFields({});
      setNotice(t('notify.contactPoints.nothingChanged'));
      return;
    }
    setBusy(true);
    try {
      const point = saved && change ? await hubApi.updateContactPoint(saved.name, change) : await hubApi.createContactPoint(newContactPointBody(draft));
      setFields({});
      props.onSaved(point);
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      const named = failed instanceof ApiError ? failed.fields : {};
      setFields(formProblems(named));
      if (Object.keys(named).length === 0) setFailure(failed);
    } finally {
      setBusy(false);
    }
  };

  const title = saved ? t('notify.contactPoints.editorTitle', { name: saved.name }) : t('notify.contactPoints.newTitle');
  return (
    <section class="card contact-point-editor" aria-labelledby="contact-point-editor-title" data-editing={saved?.name ?? ''}>
      <div class="card-header">
        <h2 class="card-title" id="contact-point-editor-title">
          {title}
        </h2>
        <button type="button" class="button button-small" onClick={props.onClose}>
          {t('notify.contactPoints.close')}
        </button>
      </div>
      <form onSubmit={(event) => void save(event)} noValidate aria-label={title}>
        <div class="form-grid">
          <div class="field">
            <label>
              <span class="field-label">{t('notify.contactPoints.name')}</span>
              <input
                name="name"
                autoComplete="off"
                spellcheck={false}
                value={draft.name}
                disabled={saved !== undefined}
                onInput={(event) => setDraft((current) => ({ ...current, name: event.currentTarget.value }))}
                {...invalidProps(fields, 'name')}
              />
            </label>
            <p class="field-hint">{t('notify.contactPoints.nameHint')}</p>
            <FieldError fields={fields} path="name" />
          </div>
          <div class="field">
            <label>
              <span class="field-label">{t('notify.contactPoints.kind')}</span>
              <select
                name="kind"
                value={draft.kind}
                disabled={saved !== undefined}
                onChange={(event) => setDraft((current) => ({ ...current, kind: event.currentTarget.value as ContactPointKind }))}
                {...invalidProps(fields, 'kind')}
              >
                {CONTACT_POINT_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {kindLabel(kind)}
                  </option>
                ))}
              </select>
            </label>
            <FieldError fields={fields} path="kind" />
          </div>
          <div class="field">
            <label>
              <span class="field-label">{t('notify.contactPoints.language')}</span>
              <select
                name="language"
                value={draft.language}
                onChange={(event) => setDraft((current) => ({ ...current, language: event.currentTarget.value as ContactPointDraft['language'] }))}
                {...invalidProps(fields, 'language')}
              >
                <option value="">{t('notify.contactPoints.language.default')}</option>
                {CONTACT_POINT_LANGUAGES.map((language) => (
                  <option key={language} value={language}>
                    {t(LANGUAGE_LABELS[language])}
                  </option>
                ))}
              </select>
            </label>
            <FieldError fields={fields} path="language" />
          </div>
          {KIND_FIELDS[draft.kind].map((key) => (
            <SettingInput key={key} settingKey={key} draft={draft} saved={saved} fields={fields} onValue={setValue} onClear={setClear} />
          ))}
        </div>
        <FieldError fields={fields} path="settings" />
        <FieldError fields={fields} path="success" />
        <HeaderProblems fields={fields} />
        <FieldError fields={fields} path="(body)" />
        {failure && <ErrorNotice error={failure} compact />}
        {notice && (
          <p class="muted" role="status">
            {notice}
          </p>
        )}
        <div class="action-buttons">
          <button type="submit" class="button button-primary" disabled={busy}>
            {saved ? t('notify.contactPoints.saveChanges') : t('notify.contactPoints.create')}
          </button>
        </div>
      </form>
    </section>
  );
}

function SettingInput(props: {
  settingKey: SettingKey;
  draft: ContactPointDraft;
  saved: ContactPointView | undefined;
  fields: Fields;
  onValue: (key: SettingKey, value: string) => void;
  onClear: (key: SettingKey, on: boolean) => void;
}): JSX.Element {
  const { settingKey: key, draft, saved, fields } = props;
  const spec = specOf(draft.kind, key);
  const path = spec.path ?? key;
  const secret = isSecret(draft.kind, key);
  const stored = saved?.secrets[key] === true;
  const cleared = draft.clear.includes(key);
  const value = draft.values[key];
  const common = { name: key, value, spellcheck: false, onInput: (event: { currentTarget: { value: string } }) => props.onValue(key, event.currentTarget.value), ...invalidProps(fields, path) };
  let input: JSX.Element;
  if (spec.choices) {
    input = (
      <select name={key} value={value} onChange={(event) => props.onValue(key, event.currentTarget.value)} {...invalidProps(fields, path)}>
        {spec.choices.map((choice) => (
          <option key={choice} value={choice}>
            {spec.choiceLabels?.[choice] ? t(spec.choiceLabels[choice]) : choice}
          </option>
        ))}
      </select>
    );
  } else if (spec.rows !== undefined) {
    input = <textarea class="code-input" rows={spec.rows} placeholder={spec.placeholder} {...common} />;
  } else if (secret && key !== 'url') {
    input = <input type="password" autoComplete="new-password" placeholder={stored ? t('notify.contactPoints.unchanged') : spec.placeholder} {...common} />;
  } else {
    input = <input autoComplete="off" placeholder={stored ? t('notify.contactPoints.unchanged') : spec.placeholder} {...common} />;
  }
  const secretHint = !secret
    ? undefined
    : saved === undefined
      ? t('notify.contactPoints.secret.new')
      : stored
        ? `${t('notify.contactPoints.secret.set')}${key === 'headers' ? t('notify.contactPoints.secret.currentHeaders', { names: headerNames(saved) }) : ''}`
        : t('notify.contactPoints.secret.notSet');
  const label = t(spec.label);
  return (
    <div class={`field${(spec.rows ?? 0) > 3 ? ' field-wide' : ''}`}>
      <label>
        <span class="field-label">{label}</span>
        {input}
      </label>
      {spec.hint && !(secret && saved) && <p class="field-hint">{t(spec.hint, { code: spec.hintCode })}</p>}
      {secretHint && (
        <p class="field-hint" data-secret-hint={key}>
          {secretHint}
        </p>
      )}
      {secret && stored && isClearable(key) && (
        <label class="checkbox">
          <input type="checkbox" name={`clear-${key}`} checked={cleared} disabled={value !== ''} onChange={(event) => props.onClear(key, event.currentTarget.checked)} />{' '}
          {t('notify.contactPoints.removeStored', { setting: label.toLowerCase() })}
        </label>
      )}
      <FieldError fields={fields} path={path} />
    </div>
  );
}

const headerNames = (saved: ContactPointView): string => {
  const names = saved.settings.headerNames;
  return Array.isArray(names) && names.length > 0 ? names.map(String).join(', ') : t('notify.contactPoints.secret.noHeaders');
};

/** The hub names a bad header by its name (`headers.Host`): listed under the form, since the headers are one textarea. */
function HeaderProblems(props: { fields: Fields }): JSX.Element | null {
  const problems = Object.entries(props.fields).filter(([field]) => field.startsWith('headers.'));
  if (problems.length === 0) return null;
  return (
    <ul class="field-error" data-field-error="headers">
      {problems.map(([field, problem]) => (
        <li key={field}>
          {field.slice('headers.'.length)}: {problem}
        </li>
      ))}
    </ul>
  );
}
