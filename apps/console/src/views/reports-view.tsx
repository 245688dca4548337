import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { REPORT_LANGUAGES, REPORT_PERIODS, type ReportLanguage, type ReportPeriodKind, type ReportRunView } from '@hub/api-types';
import { domainsOf, useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import { hasRole, useMe } from '../auth/session';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading } from '../components/states';
import { Time } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { type MessageId, t } from '../i18n/i18n';

const PERIOD_WORDS: Readonly<Record<ReportPeriodKind, MessageId>> = { daily: 'reports.period.daily', weekly: 'reports.period.weekly', monthly: 'reports.period.monthly' };
const LANGUAGE_WORDS: Readonly<Record<ReportLanguage, MessageId>> = { en: 'reports.language.en', zh: 'reports.language.zh' };

const areaName = (area: string): string => (area === '' ? t('reports.county') : area);
const domainName = (domain: string | null): string => domain ?? t('reports.allDomains');

/**
 * Reports: every report made that the operator's scope covers, newest first, with its page and CSV to download; for
 * admins, the definitions the hub makes them from, to add, pause, run now or remove.
 */
export function ReportsView(): JSX.Element {
  const me = useMe();
  const runs = useResource((signal) => hubApi.reportRuns(signal), [], { refreshMs: 60_000 });
  const admin = hasRole(me, 'admin');
  return (
    <Page title={t('reports.title')} subtitle={t('reports.subtitle')}>
      <section class="card" aria-labelledby="report-runs-title">
        <h2 class="card-title" id="report-runs-title">
          {t('reports.runs.title')}
        </h2>
        {runs.loading && <Loading what={t('reports.runs.loading')} />}
        {!runs.data && runs.error && <ErrorNotice error={runs.error} onRetry={runs.reload} />}
        {runs.data && runs.data.items.length === 0 && <Empty title={t('reports.runs.empty')}>{t('reports.runs.emptyText')}</Empty>}
        {runs.data && runs.data.items.length > 0 && (
          <div class="table-scroll">
            <table class="table" data-report-runs>
              <thead>
                <tr>
                  <th scope="col">{t('reports.runs.report')}</th>
                  <th scope="col">{t('reports.area')}</th>
                  <th scope="col">{t('reports.domain')}</th>
                  <th scope="col">{t('reports.runs.period')}</th>
                  <th scope="col">{t('reports.runs.made')}</th>
                  <th scope="col">{t('reports.runs.emailed')}</th>
                  <th scope="col">{t('reports.runs.download')}</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((run) => (
                  <RunRow run={run} key={run.id} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {admin && <Definitions onRun={runs.reload} />}
    </Page>
  );
}

function RunRow(props: { run: ReportRunView }): JSX.Element {
  const { run } = props;
  const sent = run.deliveries.filter((delivery) => delivery.status === 'sent').length;
  return (
    <tr data-report-run={run.id}>
      <th scope="row">{run.name}</th>
      <td>{areaName(run.area)}</td>
      <td>{domainName(run.domain)}</td>
      <td>
        {t(PERIOD_WORDS[run.period])} {run.label}
      </td>
      <td>
        <Time value={run.createdAt} /> {run.trigger === 'manual' ? t('reports.runs.byHand', { name: run.createdBy }) : t('reports.runs.onSchedule')}
      </td>
      <td>{run.deliveries.length === 0 ? '—' : t('reports.runs.sentOf', { sent, total: run.deliveries.length })}</td>
      <td class="row-actions">
        <a href={run.downloads.html} download class="button button-small">
          {t('reports.runs.html')}
        </a>{' '}
        <a href={run.downloads.csv} download class="button button-small">
          {t('reports.runs.csv')}
        </a>
      </td>
    </tr>
  );
}

function Definitions(props: { onRun: () => void }): JSX.Element {
  const definitions = useResource((signal) => hubApi.reportDefinitions(signal), []);
  const [error, setError] = useState<Error | undefined>();
  const [deleting, setDeleting] = useState<number | undefined>();
  const act = async (change: () => Promise<unknown>): Promise<void> => {
    setError(undefined);
    try {
      await change();
      setDeleting(undefined);
    } catch (problem) {
      setError(problem instanceof Error ? problem : new Error(String(problem)));
    }
    definitions.reload();
    props.onRun();
  };
  return (
    <>
      <section class="card" aria-labelledby="report-definitions-title">
        <h2 class="card-title" id="report-definitions-title">
          {t('reports.definitions.title')}
        </h2>
        {error && <ErrorNotice error={error} compact />}
        {definitions.loading && <Loading what={t('reports.definitions.loading')} />}
        {!definitions.data && definitions.error && <ErrorNotice error={definitions.error} onRetry={definitions.reload} />}
        {definitions.data && definitions.data.length === 0 && <Empty title={t('reports.definitions.empty')}>{t('reports.definitions.emptyText')}</Empty>}
        {definitions.data && definitions.data.length > 0 && (
          <div class="table-scroll">
            <table class="table" data-report-definitions>
              <thead>
                <tr>
                  <th scope="col">{t('reports.name')}</th>
                  <th scope="col">{t('reports.area')}</th>
                  <th scope="col">{t('reports.domain')}</th>
                  <th scope="col">{t('reports.period')}</th>
                  <th scope="col">{t('reports.language')}</th>
                  <th scope="col">{t('reports.contactPoints')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('admin.common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {definitions.data.map((definition) => (
                  <tr key={definition.id} data-report-definition={definition.id}>
                    <th scope="row">
                      {definition.name}
                      {!definition.enabled && <> ({t('reports.definitions.paused')})</>}
                    </th>
                    <td>{areaName(definition.area)}</td>
                    <td>{domainName(definition.domain)}</td>
                    <td>{t(PERIOD_WORDS[definition.period])}</td>
                    <td>{t(LANGUAGE_WORDS[definition.language])}</td>
                    <td>{definition.contactPoints.join(', ') || '—'}</td>
                    <td class="row-actions">
                      {deleting === definition.id ? (
                        <span class="confirm">
                          {t('reports.definitions.confirmDelete', { name: definition.name })}{' '}
                          <button type="button" class="button button-small button-danger" onClick={() => void act(() => hubApi.deleteReport(definition.id))}>
                            {t('reports.definitions.delete')}
                          </button>{' '}
                          <button type="button" class="button button-small" onClick={() => setDeleting(undefined)}>
                            {t('admin.common.keep')}
                          </button>
                        </span>
                      ) : (
                        <>
                          <button type="button" class="button button-small" onClick={() => void act(() => hubApi.runReport(definition.id))}>
                            {t('reports.definitions.runNow')}
                          </button>{' '}
                          <button type="button" class="button button-small" onClick={() => void act(() => hubApi.changeReport(definition.id, { enabled: !definition.enabled }))}>
                            {t(definition.enabled ? 'reports.definitions.pause' : 'reports.definitions.resume')}
                          </button>{' '}
                          <button type="button" class="button button-small" aria-label={t('reports.definitions.deleteNamed', { name: definition.name })} onClick={() => setDeleting(definition.id)}>
                            {t('reports.definitions.deleteAsk')}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <AddDefinition onAdded={() => void act(() => Promise.resolve())} />
    </>
  );
}

/** A new definition: the areas and domains the admin may choose from, and the email contact points (county-wide admins only see those). */
function AddDefinition(props: { onAdded: () => void }): JSX.Element {
  const { catalogue } = useCatalogue();
  const areas = useResource((signal) => hubApi.areas(signal), []);
  const points = useResource((signal) => hubApi.contactPoints(signal), []);
  const [draft, setDraft] = useState({ name: '', area: '', domain: '', period: 'monthly' as ReportPeriodKind, language: 'zh' as ReportLanguage, contactPoint: '' });
  const [error, setError] = useState<Error | undefined>();
  const set = (change: Partial<typeof draft>): void => setDraft((current) => ({ ...current, ...change }));
  const add = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await hubApi.createReport({
        name: draft.name.trim(),
        area: draft.area,
        domain: draft.domain === '' ? null : draft.domain,
        period: draft.period,
        language: draft.language,
        contactPoints: draft.contactPoint === '' ? [] : [draft.contactPoint],
        enabled: true,
      });
      set({ name: '' });
      props.onAdded();
    } catch (problem) {
      setError(problem instanceof Error ? problem : new Error(String(problem)));
    }
  };
  const emailPoints = (points.data ?? []).filter((point) => point.kind === 'email');
  return (
    <section class="card" aria-labelledby="report-add-title">
      <h2 class="card-title" id="report-add-title">
        {t('reports.add.title')}
      </h2>
      <p class="muted">{t('reports.add.hint')}</p>
      {error && <ErrorNotice error={error} compact />}
      <form class="form-grid" onSubmit={(event) => void add(event)} data-report-form>
        <label class="field">
          <span class="field-label">{t('reports.name')}</span>
          <input type="text" required maxLength={100} value={draft.name} onInput={(event) => set({ name: event.currentTarget.value })} />
        </label>
        <label class="field">
          <span class="field-label">{t('reports.area')}</span>
          <select value={draft.area} onChange={(event) => set({ area: event.currentTarget.value })}>
            <option value="">{t('reports.county')}</option>
            {(areas.data ?? []).map((area) => (
              <option value={area.path} key={area.path}>
                {area.path}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">{t('reports.domain')}</span>
          <select value={draft.domain} onChange={(event) => set({ domain: event.currentTarget.value })}>
            <option value="">{t('reports.allDomains')}</option>
            {domainsOf(catalogue).map((domain) => (
              <option value={domain} key={domain}>
                {domain}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">{t('reports.period')}</span>
          <select value={draft.period} onChange={(event) => set({ period: event.currentTarget.value as ReportPeriodKind })}>
            {REPORT_PERIODS.map((period) => (
              <option value={period} key={period}>
                {t(PERIOD_WORDS[period])}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">{t('reports.language')}</span>
          <select value={draft.language} onChange={(event) => set({ language: event.currentTarget.value as ReportLanguage })}>
            {REPORT_LANGUAGES.map((language) => (
              <option value={language} key={language}>
                {t(LANGUAGE_WORDS[language])}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">{t('reports.contactPoints')}</span>
          <select value={draft.contactPoint} onChange={(event) => set({ contactPoint: event.currentTarget.value })}>
            <option value="">{t('reports.add.noEmail')}</option>
            {emailPoints.map((point) => (
              <option value={point.name} key={point.name}>
                {point.name}
              </option>
            ))}
          </select>
        </label>
        <div>
          <button type="submit" class="button button-primary">
            {t('reports.add.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
