import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { CONTACT_POINT_KINDS, CONTACT_POINT_LANGUAGES, type ContactPointKind, type ContactPointLanguage, type ContactPointView } from '@hub/api-types';
import { ApiError } from '../../api/http';
import { hubApi } from '../../api/hub-api';
import { FieldError, invalidProps } from '../../components/field-error';
import { ErrorNotice } from '../../components/states';
import {
  type ContactPointDraft, contactPointChange, draftOf, emptyContactPointDraft, formProblems, isClearable, isSecret, KIND_FIELDS, KIND_LABELS, newContactPointBody, type SettingKey,
} from '../../contact-points/contact-point-draft';

type Fields = Readonly<Record<string, string>>;

/** Each in its own script, so an operator who reads only one of them finds it. */
const LANGUAGE_LABELS: Readonly<Record<ContactPointLanguage, string>> = { en: 'English', zh: '简体中文 (Simplified Chinese)' };

interface FieldSpec {
  readonly label: string;
  readonly hint?: string;
  readonly placeholder?: string;
  /** A multi-line input of this many rows. */
  readonly rows?: number;
  readonly choices?: readonly string[];
  /** The path the hub names in its 400 (success is one setting split in two inputs). */
  readonly path?: string;
}

/** Labels and hints per setting; where a kind reads one differently, KIND_SPECS overrides it. */
const SPECS: Readonly<Record<SettingKey, FieldSpec>> = {
  host: { label: 'SMTP host', placeholder: 'smtp.county.example' },
  port: { label: 'Port', hint: 'empty: 587 for starttls, 465 for tls, 25 for none' },
  security: { label: 'Security', choices: ['starttls', 'tls', 'none'], hint: 'starttls: STARTTLS required; tls: TLS from the first byte; none: never TLS' },
  username: { label: 'Username', hint: 'empty: send without logging in' },
  password: { label: 'Password' },
  ca: { label: 'CA certificate (PEM, optional)', rows: 4, placeholder: '-----BEGIN CERTIFICATE-----', hint: 'the county CA that signed the server’s certificate; empty: the system’s trusted CAs' },
  from: { label: 'From', placeholder: 'alerts@county.example' },
  to: { label: 'To (one address a line)', rows: 3, placeholder: 'duty@county.example' },
  url: { label: 'URL', placeholder: 'https://' },
  secret: { label: 'Signing secret' },
  format: { label: 'Message format', choices: ['card', 'text'] },
  method: { label: 'HTTP method', choices: ['POST', 'PUT', 'GET'] },
  headers: { label: 'Headers (Name: value, one a line)', rows: 3, placeholder: 'Authorization: Bearer …' },
  contentType: { label: 'Content type', placeholder: 'application/json', hint: 'empty: application/json' },
  body: { label: 'Body template (mustache)', rows: 4, hint: '{{json.phones}}, {{json.templateId}}, {{json.paramsText}} …; none with GET' },
  templateId: { label: 'Carrier template id', placeholder: 'SMS_154950909' },
  phoneNumbers: { label: 'Phone numbers (one a line)', rows: 3, placeholder: '+8613800000000' },
  successPath: { label: 'Success: JSON path', placeholder: 'Code', hint: 'besides HTTP 2xx, the answer’s value here must equal the next field; empty: 2xx is enough', path: 'success.jsonPath' },
  successEquals: { label: 'Success: equals', placeholder: '"OK"', hint: 'JSON: "OK", 0 or true', path: 'success.equals' },
};

const KIND_SPECS: Partial<Record<ContactPointKind, Partial<Record<SettingKey, FieldSpec>>>> = {
  dingtalk: { url: { label: 'Robot URL', placeholder: 'https://oapi.dingtalk.com/robot/send?access_token=…' }, secret: { label: '加签 secret (SEC…)', hint: 'empty: the robot checks keywords or IP instead' } },
  feishu: { url: { label: 'Robot URL', placeholder: 'https://open.feishu.cn/open-apis/bot/v2/hook/…' }, secret: { label: '签名校验 secret', hint: 'empty: the robot does not check signatures' } },
  wecom: { url: { label: 'Robot URL', placeholder: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…', hint: 'the key in it is the robot’s only credential' } },
  sms: { url: { label: 'URL template', placeholder: 'https://sms.gateway.example/v1/send', hint: 'mustache; {{form.phones}} for a query' } },
  webhook: { url: { label: 'URL', placeholder: 'https://duty.county.example/hooks/alerts' }, secret: { label: 'Signing secret', hint: 'signs each body as X-Hub-Signature; empty: unsigned' } },
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
      setNotice('Nothing changed.');
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

  const title = saved ? `Contact point ${saved.name}` : 'New contact point';
  return (
    <section class="card contact-point-editor" aria-labelledby="contact-point-editor-title" data-editing={saved?.name ?? ''}>
      <div class="card-header">
        <h2 class="card-title" id="contact-point-editor-title">
          {title}
        </h2>
        <button type="button" class="button button-small" onClick={props.onClose}>
          Close
        </button>
      </div>
      <form onSubmit={(event) => void save(event)} noValidate aria-label={title}>
        <div class="form-grid">
          <div class="field">
            <label>
              <span class="field-label">Name</span>
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
            <p class="field-hint">lower-case letters, digits and -, e.g. gas-on-call; routes name it, so it cannot change</p>
            <FieldError fields={fields} path="name" />
          </div>
          <div class="field">
            <label>
              <span class="field-label">Kind</span>
              <select
                name="kind"
                value={draft.kind}
                disabled={saved !== undefined}
                onChange={(event) => setDraft((current) => ({ ...current, kind: event.currentTarget.value as ContactPointKind }))}
                {...invalidProps(fields, 'kind')}
              >
                {CONTACT_POINT_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {KIND_LABELS[kind]}
                  </option>
                ))}
              </select>
            </label>
            <FieldError fields={fields} path="kind" />
          </div>
          <div class="field">
            <label>
              <span class="field-label">Language of its messages</span>
              <select
                name="language"
                value={draft.language}
                onChange={(event) => setDraft((current) => ({ ...current, language: event.currentTarget.value as ContactPointDraft['language'] }))}
                {...invalidProps(fields, 'language')}
              >
                <option value="">The hub’s default (HUB_NOTIFY_LANGUAGE)</option>
                {CONTACT_POINT_LANGUAGES.map((language) => (
                  <option key={language} value={language}>
                    {LANGUAGE_LABELS[language]}
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
            {saved ? 'Save changes' : 'Create contact point'}
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
            {choice}
          </option>
        ))}
      </select>
    );
  } else if (spec.rows !== undefined) {
    input = <textarea class="code-input" rows={spec.rows} placeholder={spec.placeholder} {...common} />;
  } else if (secret && key !== 'url') {
    input = <input type="password" autoComplete="new-password" placeholder={stored ? 'unchanged' : spec.placeholder} {...common} />;
  } else {
    input = <input autoComplete="off" placeholder={stored ? 'unchanged' : spec.placeholder} {...common} />;
  }
  const secretHint = !secret
    ? undefined
    : saved === undefined
      ? 'Write-only: never shown again once saved.'
      : stored
        ? `Set; never shown. Leave blank to keep the current value.${key === 'headers' ? ` Current headers: ${headerNames(saved)}.` : ''}`
        : 'Not set. Leave blank to keep it unset.';
  return (
    <div class={`field${(spec.rows ?? 0) > 3 ? ' field-wide' : ''}`}>
      <label>
        <span class="field-label">{spec.label}</span>
        {input}
      </label>
      {spec.hint && !(secret && saved) && <p class="field-hint">{spec.hint}</p>}
      {secretHint && (
        <p class="field-hint" data-secret-hint={key}>
          {secretHint}
        </p>
      )}
      {secret && stored && isClearable(key) && (
        <label class="checkbox">
          <input type="checkbox" name={`clear-${key}`} checked={cleared} disabled={value !== ''} onChange={(event) => props.onClear(key, event.currentTarget.checked)} /> Remove the stored{' '}
          {spec.label.toLowerCase()}
        </label>
      )}
      <FieldError fields={fields} path={path} />
    </div>
  );
}

const headerNames = (saved: ContactPointView): string => {
  const names = saved.settings.headerNames;
  return Array.isArray(names) && names.length > 0 ? names.map(String).join(', ') : 'none';
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
