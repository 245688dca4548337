import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DeviceProfileView } from '@hub/api-types';
import { domainsOf, useCatalogue } from '../../api/catalogue';
import { ApiError } from '../../api/http';
import { hubApi } from '../../api/hub-api';
import { FieldError, invalidProps } from '../../components/field-error';
import { ErrorNotice } from '../../components/states';
import { t } from '../../i18n/i18n';
import {
  type DecoderKind, draftOf, emptyDraft, type ProfileDraft, profileBody, problemsUnder, SAMPLE_ENCODINGS, type SampleDraft, type SampleEncoding, SCRIPT_PAYLOADS,
  type ScriptPayload,
} from '../../profiles/profile-draft';
import { ProfileTryBox } from './profile-try-box';

type Fields = Readonly<Record<string, string>>;

/** The mapping's shape as a reference: JSON and JSONata words, the same in every language. */
const MAPPING_SYNTAX = 'metrics: name → { expr, scale?, offset?, unit?: { from | fromExpr, to } }; timestamp: { expr, format: epoch-s | epoch-ms | iso8601 | local, zone? }; seq; records';

/** Every problem under a prefix (decoder → decoder.metrics.x.expr …), shown together under the field that holds them. */
function PrefixErrors(props: { fields: Fields; prefix: string }): JSX.Element | null {
  const lines = problemsUnder(props.fields, props.prefix);
  if (lines.length === 0) return null;
  return (
    <ul class="field-error" data-field-error={props.prefix}>
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

/**
 * One profile's form: new (with an id) or saved (id fixed). Saving sends the whole draft; the hub builds the decoder
 * first, so a mapping that does not parse or a codec without decodeUplink comes back as field errors here.
 */
export function DeviceProfileEditor(props: { saved?: DeviceProfileView; onSaved: (profile: DeviceProfileView) => void; onDeleted: () => void; onClose: () => void }): JSX.Element {
  const { saved } = props;
  const { catalogue } = useCatalogue();
  const domains = domainsOf(catalogue);
  const [draft, setDraft] = useState<ProfileDraft>(() => (saved ? draftOf(saved) : emptyDraft('water')));
  const [fields, setFields] = useState<Fields>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ProfileDraft>(key: K, value: ProfileDraft[K]): void => setDraft((current) => ({ ...current, [key]: value }));
  const setSample = (index: number, change: Partial<SampleDraft>): void =>
    setDraft((current) => ({ ...current, samples: current.samples.map((sample, at) => (at === index ? { ...sample, ...change } : sample)) }));

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFailure(undefined);
    const built = profileBody(draft, saved === undefined);
    if ('problems' in built) {
      setFields(built.problems);
      return;
    }
    setFields({});
    setBusy(true);
    try {
      const profile = saved ? await hubApi.updateDeviceProfile(saved.id, built.body) : await hubApi.createDeviceProfile(built.body);
      props.onSaved(profile);
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      const named = failed instanceof ApiError ? failed.fields : {};
      setFields(named);
      if (Object.keys(named).length === 0) setFailure(failed);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (): Promise<void> => {
    if (!saved) return;
    setFailure(undefined);
    try {
      await hubApi.deleteDeviceProfile(saved.id);
      props.onDeleted();
    } catch (error) {
      setFailure(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const title = saved ? t('admin.profiles.titleSaved', { id: saved.id }) : t('admin.profiles.titleNew');
  const text = (key: 'id' | 'name' | 'description', label: string, hint?: string) => (
    <div class="field">
      <label>
        <span class="field-label">{label}</span>
        <input name={key} autoComplete="off" value={draft[key]} disabled={key === 'id' && saved !== undefined} onInput={(event) => set(key, event.currentTarget.value)} {...invalidProps(fields, key)} />
      </label>
      {hint && <p class="field-hint">{hint}</p>}
      <FieldError fields={fields} path={key} />
    </div>
  );
  const decoderInvalid = problemsUnder(fields, 'decoder').length > 0 ? { 'aria-invalid': 'true' as const } : {};

  return (
    <section class="card profile-editor" aria-labelledby="profile-editor-title" data-editing={saved?.id ?? ''}>
      <div class="card-header">
        <h2 class="card-title" id="profile-editor-title">
          {title} {saved && <span class="muted small">{t('admin.profiles.version', { version: saved.version })}</span>}
        </h2>
        <button type="button" class="button button-small" onClick={props.onClose}>
          {t('admin.common.close')}
        </button>
      </div>
      <form onSubmit={(event) => void save(event)} noValidate aria-label={title}>
        <div class="form-grid">
          {text('id', t('admin.profiles.id'), t('admin.profiles.idHint'))}
          {text('name', t('admin.common.name'))}
          {text('description', t('admin.common.description'))}
          <div class="field">
            <label>
              <span class="field-label">{t('admin.profiles.domain')}</span>
              <select name="domain" value={draft.domain} onChange={(event) => set('domain', event.currentTarget.value)} {...invalidProps(fields, 'domain')}>
                {(domains.includes(draft.domain) ? domains : [draft.domain, ...domains]).map((domain) => (
                  <option key={domain} value={domain}>
                    {domain}
                  </option>
                ))}
              </select>
            </label>
            <p class="field-hint">{t('admin.profiles.domainHint')}</p>
            <FieldError fields={fields} path="domain" />
          </div>
          <div class="field">
            <label>
              <span class="field-label">{t('admin.profiles.decoder')}</span>
              <select name="kind" value={draft.kind} onChange={(event) => set('kind', event.currentTarget.value as DecoderKind)}>
                <option value="mapping">{t('admin.profiles.kindMapping')}</option>
                <option value="script">{t('admin.profiles.kindScript')}</option>
              </select>
            </label>
          </div>
          {draft.kind === 'script' && (
            <div class="field">
              <label>
                <span class="field-label">{t('admin.profiles.payloadAs')}</span>
                <select name="payload" value={draft.payload} onChange={(event) => set('payload', event.currentTarget.value as ScriptPayload)} {...invalidProps(fields, 'decoder.payload')}>
                  {SCRIPT_PAYLOADS.map((payload) => (
                    <option key={payload} value={payload}>
                      {payload}
                    </option>
                  ))}
                </select>
              </label>
              <p class="field-hint">{t('admin.profiles.payloadHint')}</p>
            </div>
          )}
        </div>
        {draft.kind === 'mapping' ? (
          <div class="field">
            <label>
              <span class="field-label">{t('admin.profiles.mapping')}</span>
              <textarea name="mapping" class="code-input" rows={12} spellcheck={false} value={draft.mapping} onInput={(event) => set('mapping', event.currentTarget.value)} {...decoderInvalid} />
            </label>
            <p class="field-hint">{MAPPING_SYNTAX}</p>
            <PrefixErrors fields={fields} prefix="decoder" />
          </div>
        ) : (
          <>
            <div class="field">
              <label>
                <span class="field-label">{t('admin.profiles.codec')}</span>
                <textarea name="source" class="code-input" rows={16} spellcheck={false} value={draft.source} onInput={(event) => set('source', event.currentTarget.value)} {...decoderInvalid} />
              </label>
              <p class="field-hint">{t('admin.profiles.codecHint')}</p>
              <PrefixErrors fields={fields} prefix="decoder" />
            </div>
            <div class="field">
              <label>
                <span class="field-label">{t('admin.profiles.scriptMapping')}</span>
                <textarea name="scriptMapping" class="code-input" rows={4} spellcheck={false} value={draft.scriptMapping} onInput={(event) => set('scriptMapping', event.currentTarget.value)} />
              </label>
              <p class="field-hint">{t('admin.profiles.scriptMappingHint')}</p>
            </div>
          </>
        )}
        <div class="field">
          <label class="checkbox">
            <input type="checkbox" name="networkServerObject" checked={draft.networkServerObject} onChange={(event) => set('networkServerObject', event.currentTarget.checked)} />{' '}
            {t('admin.profiles.networkServerObject')}
          </label>
          <FieldError fields={fields} path="networkServerObject" />
        </div>
        <SampleList samples={draft.samples} fields={fields} onChange={setSample} onAdd={() => set('samples', [...draft.samples, { name: '', payload: '', encoding: 'text', fPort: '' }])} onRemove={(index) => set('samples', draft.samples.filter((_, at) => at !== index))} />
        {failure && <ErrorNotice error={failure} compact />}
        <div class="action-buttons">
          <button type="submit" class="button button-primary" disabled={busy}>
            {saved ? t('admin.common.saveChanges') : t('admin.profiles.create')}
          </button>
          {saved && (
            <button type="button" class="button button-danger" onClick={() => void remove()}>
              {t('admin.profiles.delete')}
            </button>
          )}
        </div>
      </form>
      <ProfileTryBox draft={draft} saved={saved} />
    </section>
  );
}

function SampleList(props: {
  samples: readonly SampleDraft[];
  fields: Fields;
  onChange: (index: number, change: Partial<SampleDraft>) => void;
  onAdd: () => void;
  onRemove: (index: number) => void;
}): JSX.Element {
  return (
    <fieldset class="profile-samples">
      <legend>{t('admin.profiles.samples')}</legend>
      <FieldError fields={props.fields} path="samples" />
      {props.samples.length === 0 && <p class="muted">{t('admin.profiles.samplesNone')}</p>}
      {props.samples.map((sample, index) => (
        <div class="sample-row" key={index} data-sample={index}>
          <input aria-label={t('admin.profiles.sampleName', { number: index + 1 })} value={sample.name} onInput={(event) => props.onChange(index, { name: event.currentTarget.value })} {...invalidProps(props.fields, `samples[${index}].name`)} />
          <input
            class="code-input"
            aria-label={t('admin.profiles.samplePayload', { number: index + 1 })}
            value={sample.payload}
            onInput={(event) => props.onChange(index, { payload: event.currentTarget.value })}
            {...invalidProps(props.fields, `samples[${index}].payload`)}
          />
          <select aria-label={t('admin.profiles.sampleEncoding', { number: index + 1 })} value={sample.encoding} onChange={(event) => props.onChange(index, { encoding: event.currentTarget.value as SampleEncoding })}>
            {SAMPLE_ENCODINGS.map((encoding) => (
              <option key={encoding} value={encoding}>
                {encoding}
              </option>
            ))}
          </select>
          <input class="input-number" inputMode="numeric" aria-label={t('admin.profiles.sampleFPort', { number: index + 1 })} placeholder={t('admin.profiles.fPort')} value={sample.fPort} onInput={(event) => props.onChange(index, { fPort: event.currentTarget.value })} />
          <button type="button" class="button button-small" onClick={() => props.onRemove(index)}>
            {t('admin.profiles.remove')}
          </button>
          <PrefixErrors fields={props.fields} prefix={`samples[${index}]`} />
        </div>
      ))}
      <button type="button" class="button button-small" onClick={props.onAdd}>
        {t('admin.profiles.addSample')}
      </button>
    </fieldset>
  );
}
