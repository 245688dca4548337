import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hasRole, useMe } from '../auth/session';
import { domainsOf, useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import type { SilenceView } from '@hub/api-types';
import { FieldError, invalidProps } from '../components/field-error';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { domainLabel } from '../components/alert-badges';
import { formatDateTime, formatDuration, fromLocalInput, toLocalInput } from '../format/time';
import { useResource } from '../hooks/use-resource';
import { type MessageId, t } from '../i18n/i18n';
import { Link, useLocation } from '../router';

const DURATIONS: readonly (readonly [string, MessageId])[] = [
  ['1h', 'silences.duration.1h'],
  ['4h', 'silences.duration.4h'],
  ['8h', 'silences.duration.8h'],
  ['24h', 'silences.duration.24h'],
  ['7d', 'silences.duration.7d'],
];

/**
 * Maintenance windows: while one holds, matching devices raise no alerts and changes of their open alerts are not
 * notified. Planned ones can be entered ahead; each can be extended or ended early.
 */
export function SilencesView(): JSX.Element {
  const me = useMe();
  const mayAct = hasRole(me, 'operator');
  const [showExpired, setShowExpired] = useState(false);
  const silences = useResource((signal) => hubApi.silences(showExpired, signal), [showExpired], { refreshMs: 30_000, reloadOn: ['hello'] });
  const [rowError, setRowError] = useState<Error | undefined>();
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setRowError(undefined);
    try {
      await work();
    } catch (error) {
      setRowError(error instanceof Error ? error : new Error(String(error)));
    }
    silences.reload();
  };
  const now = Date.now();
  return (
    <Page title={t('silences.title')} subtitle={silences.data && t('silences.subtitle', { count: silences.data.filter((silence) => silence.active).length })}>
      {mayAct ? <NewSilence onCreated={silences.reload} /> : <p class="muted">{t('silences.viewerOnly')}</p>}
      <section class="card" aria-labelledby="silences-title">
        <div class="card-header">
          <h2 class="card-title" id="silences-title">
            {showExpired ? t('silences.all') : t('silences.current')}
          </h2>
          <label class="checkbox">
            <input type="checkbox" checked={showExpired} onChange={(event) => setShowExpired(event.currentTarget.checked)} /> {t('silences.showExpired')}
          </label>
        </div>
        <StaleNotice error={silences.data ? silences.error : undefined} updatedAt={silences.updatedAt} onRetry={silences.reload} />
        {rowError && <ErrorNotice error={rowError} compact />}
        {silences.loading && <Loading what={t('silences.loading')} />}
        {!silences.loading && !silences.data && silences.error && <ErrorNotice error={silences.error} onRetry={silences.reload} />}
        {silences.data && silences.data.length === 0 && <Empty title={t('silences.empty.title')}>{t('silences.empty.body')}</Empty>}
        {silences.data && silences.data.length > 0 && (
          <div class="table-scroll">
            <table class="table silences-table">
              <thead>
                <tr>
                  <th scope="col">{t('silences.column.covers')}</th>
                  <th scope="col">{t('silences.column.from')}</th>
                  <th scope="col">{t('silences.column.until')}</th>
                  <th scope="col" class="col-optional">
                    {t('silences.column.reason')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('silences.column.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {silences.data.map((silence) => {
                  const ends = Date.parse(silence.endsAt);
                  return (
                    <tr key={silence.id} data-silence={silence.id} class={silence.active ? 'row-active' : ends < now ? 'row-disabled' : ''}>
                      <th scope="row">
                        {scopeOf(silence)}
                        <div class="muted small">{silence.active ? t('silences.inForce', { left: formatDuration(ends - now) }) : ends < now ? t('silences.expired') : t('silences.planned')}</div>
                      </th>
                      <td>
                        <Time value={silence.startsAt} />
                      </td>
                      <td>
                        <Time value={silence.endsAt} />
                      </td>
                      <td class="col-optional">
                        {silence.reason}
                        <div class="muted small">{t('silences.by', { name: silence.createdBy })}</div>
                      </td>
                      <td class="row-actions">
                        {mayAct && ends > now && (
                          <>
                            <button type="button" class="button button-small" onClick={() => void act(() => hubApi.updateSilence(silence.id, { endsAt: new Date(ends + 3_600_000).toISOString() }))}>
                              {t('silences.extend')}
                            </button>{' '}
                            <button type="button" class="button button-small" onClick={() => void act(() => hubApi.deleteSilence(silence.id))}>
                              {silence.active ? t('silences.endNow') : t('silences.cancel')}
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Page>
  );
}

function scopeOf(silence: SilenceView): JSX.Element {
  const parts: JSX.Element[] = [];
  if (silence.deviceId) parts.push(<Link href={`/devices/${encodeURIComponent(silence.deviceId)}`}>{silence.deviceId}</Link>);
  if (silence.town) parts.push(<span>{silence.town}</span>);
  if (silence.domain) parts.push(<span>{t('silences.allOfDomain', { domain: domainLabel(silence.domain).toLowerCase() })}</span>);
  return (
    <>
      {parts.map((part, index) => (
        <span key={index}>
          {index > 0 && ' · '}
          {part}
        </span>
      ))}
      {silence.ruleId && (
        <span class="muted">
          {' '}
          {t('silences.ruleOnlyBefore')}
          <Link href={`/rules/${encodeURIComponent(silence.ruleId)}`}>{silence.ruleId}</Link>
          {t('silences.ruleOnlyAfter')}
        </span>
      )}
    </>
  );
}

/**
 * Pre-filled from ?deviceId=…&ruleId=…&domain=…&town=… when the operator came from an alert, and with the operator's
 * own town and domain when they have just one (a scoped operator's silence must name them).
 */
function NewSilence(props: { onCreated: () => void }): JSX.Element {
  const { catalogue } = useCatalogue();
  const { search } = useLocation();
  const me = useMe();
  const [draft, setDraft] = useState({
    deviceId: search.get('deviceId') ?? '',
    ruleId: search.get('ruleId') ?? '',
    domain: search.get('domain') ?? (me.domains.length === 1 ? me.domains[0] : ''),
    town: search.get('town') ?? (me.towns.length === 1 ? me.towns[0] : ''),
    startsAt: '',
    duration: '4h',
    reason: '',
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [done, setDone] = useState('');
  const set = (key: keyof typeof draft, value: string): void => setDraft({ ...draft, [key]: value });

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFields({});
    setFailure(undefined);
    setDone('');
    const startsAt = fromLocalInput(draft.startsAt);
    try {
      const created = await hubApi.createSilence({
        ...(draft.deviceId.trim() ? { deviceId: draft.deviceId.trim() } : {}),
        ...(draft.ruleId.trim() ? { ruleId: draft.ruleId.trim() } : {}),
        ...(draft.domain ? { domain: draft.domain } : {}),
        ...(draft.town.trim() ? { town: draft.town.trim() } : {}),
        ...(startsAt === undefined ? {} : { startsAt: new Date(startsAt).toISOString() }),
        duration: draft.duration,
        reason: draft.reason,
      });
      setDone(t('silences.created', { id: created.id, until: formatDateTime(created.endsAt) }));
      setDraft({ ...draft, reason: '' });
      props.onCreated();
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    }
  };
  const shown = ['deviceId', 'ruleId', 'domain', 'town', 'startsAt', 'duration', 'endsAt', 'reason'];
  const hidden = Object.keys(fields).filter((path) => !shown.includes(path));
  return (
    <form class="card silence-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-silence-title">
      <h2 class="card-title" id="new-silence-title">
        {t('silences.new')}
      </h2>
      <div class="form-grid">
        <Input label={t('silences.field.device')} path="deviceId" value={draft.deviceId} fields={fields} onInput={(value) => set('deviceId', value)} hint={t('silences.field.deviceHint')} />
        <div class="field">
          <label>
            <span class="field-label">{t('silences.field.domain')}</span>
            <select name="domain" value={draft.domain} onChange={(event) => set('domain', event.currentTarget.value)} {...invalidProps(fields, 'domain')}>
              <option value="">—</option>
              {domainsOf(catalogue).map((domain) => (
                <option value={domain} key={domain}>
                  {domainLabel(domain)}
                </option>
              ))}
            </select>
          </label>
          <FieldError fields={fields} path="domain" />
        </div>
        <Input label={t('silences.field.town')} path="town" value={draft.town} fields={fields} onInput={(value) => set('town', value)} />
        <Input label={t('silences.field.rule')} path="ruleId" value={draft.ruleId} fields={fields} onInput={(value) => set('ruleId', value)} hint={t('silences.field.ruleHint')} />
        <Input
          label={t('silences.field.starts')}
          path="startsAt"
          type="datetime-local"
          value={draft.startsAt}
          fields={fields}
          onInput={(value) => set('startsAt', value)}
          hint={t('silences.field.startsHint', { now: toLocalInput(Date.now()).replace('T', ' ') })}
        />
        <div class="field">
          <label>
            <span class="field-label">{t('silences.field.for')}</span>
            <select name="duration" value={draft.duration} onChange={(event) => set('duration', event.currentTarget.value)} {...invalidProps(fields, 'duration')}>
              {DURATIONS.map(([value, label]) => (
                <option value={value} key={value}>
                  {t(label)}
                </option>
              ))}
            </select>
          </label>
          <FieldError fields={fields} path="duration" />
          <FieldError fields={fields} path="endsAt" />
        </div>
        <Input label={t('silences.field.reason')} path="reason" value={draft.reason} fields={fields} onInput={(value) => set('reason', value)} hint={t('silences.field.reasonHint')} />
      </div>
      {failure && (Object.keys(fields).length === 0 || hidden.length > 0) && <ErrorNotice error={failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          {t('silences.submit')}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
    </form>
  );
}

function Input(props: { label: string; path: string; value: string; fields: Readonly<Record<string, string>>; onInput: (value: string) => void; hint?: string; type?: 'text' | 'datetime-local' }): JSX.Element {
  return (
    <div class="field" data-field={props.path}>
      <label>
        <span class="field-label">{props.label}</span>
        {props.type === 'datetime-local' ? (
          <input name={props.path} type="datetime-local" value={props.value} onInput={(event) => props.onInput(event.currentTarget.value)} {...invalidProps(props.fields, props.path)} />
        ) : (
          <input name={props.path} type="text" value={props.value} onInput={(event) => props.onInput(event.currentTarget.value)} {...invalidProps(props.fields, props.path)} />
        )}
      </label>
      {props.hint && <p class="field-hint">{props.hint}</p>}
      <FieldError fields={props.fields} path={props.path} />
    </div>
  );
}
