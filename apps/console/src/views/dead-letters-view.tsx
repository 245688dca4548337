import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useCatalogue } from '../api/catalogue';
import { exportLinks } from '../api/export-links';
import { hubApi } from '../api/hub-api';
import type { DeadLetter, RejectReason } from '@hub/api-types';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { describeReason } from '../format/reject-reason';
import { fromLocalInput, toLocalInput } from '../format/time';
import { formatCount } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';
import { Link, useQueryParam } from '../router';
import { groupDeadLetters } from './dead-letter-groups';
import { DeadLetterList } from './dead-letter-list';

const PAGE_SIZE = 200;

/** What the hub refused and why, per device and reason: the tool for fixing a misconfigured meter. */
export function DeadLettersView(): JSX.Element {
  const { catalogue } = useCatalogue();
  const [reason, setReason] = useQueryParam('reason');
  const [device, setDevice] = useQueryParam('device');
  const [from, setFrom] = useQueryParam('from');
  const [to, setTo] = useQueryParam('to');
  const [deviceDraft, setDeviceDraft] = useState(device);
  useEffect(() => setDeviceDraft(device), [device]);
  const filter = {
    reason: (reason || undefined) as RejectReason | undefined,
    device: device || undefined,
    from: from ? Number(from) : undefined,
    to: to ? Number(to) : undefined,
  };
  const page = useResource((signal) => hubApi.deadLetters({ ...filter, limit: PAGE_SIZE }, signal), [filter], { refreshMs: 30_000, reloadOn: ['hello'] });
  const [older, setOlder] = useState<{ items: DeadLetter[]; nextBefore: number | null; loading: boolean; error?: Error }>({ items: [], nextBefore: null, loading: false });
  useEffect(() => setOlder({ items: [], nextBefore: null, loading: false }), [JSON.stringify(filter)]);

  const items = [...(page.data?.items ?? []), ...older.items];
  const nextBefore = older.items.length > 0 ? older.nextBefore : (page.data?.nextBefore ?? null);
  const loadOlder = (): void => {
    if (nextBefore === null) return;
    setOlder((state) => ({ ...state, loading: true, error: undefined }));
    hubApi.deadLetters({ ...filter, limit: PAGE_SIZE, before: nextBefore }).then(
      (next) => setOlder((state) => ({ items: [...state.items, ...next.items], nextBefore: next.nextBefore, loading: false })),
      (error: unknown) => setOlder((state) => ({ ...state, loading: false, error: error instanceof Error ? error : new Error(String(error)) })),
    );
  };
  const totals = page.data?.totals;
  const byReason = Object.entries(totals?.byReason ?? {}).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0));
  const groups = groupDeadLetters(items);
  const filtered = reason !== '' || device !== '' || from !== '' || to !== '';
  const describe = (code: string): string | undefined => describeReason(code, catalogue?.rejectReasons.find((entry) => entry.code === code)?.description);
  const known = (code: string): boolean => catalogue?.rejectReasons.some((entry) => entry.code === code) ?? false;

  return (
    <Page
      title={t('deadLetters.title')}
      actions={
        <a class="button button-ghost" href={exportLinks.deadLetters(filter)} download data-export="dead-letters" title={t('deadLetters.downloadHint')}>
          {t('export.downloadCsv')}
        </a>
      }
      subtitle={
        totals && (
          <>
            {t('deadLetters.totals', { refused: formatCount(sum(byReason.map(([, count]) => count ?? 0))), kept: formatCount(totals.stored) })}
            {totals.evicted > 0 && <> · {t('deadLetters.evicted', { count: formatCount(totals.evicted) })}</>}
          </>
        )
      }
    >
      {byReason.length > 0 && (
        <div class="chips" role="group" aria-label={t('deadLetters.filterByReason')}>
          {byReason.map(([code, count]) => (
            <button
              type="button"
              class={`chip${reason === code ? ' chip-selected' : ''}`}
              aria-pressed={reason === code}
              title={describe(code)}
              onClick={() => setReason(reason === code ? '' : code)}
              key={code}
            >
              <code>{code}</code> <span class="chip-count">{formatCount(count ?? 0)}</span>
            </button>
          ))}
        </div>
      )}

      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setDevice(deviceDraft.trim());
        }}
      >
        <label>
          {t('deadLetters.filter.device')}
          <input type="search" data-search value={deviceDraft} placeholder={t('deadLetters.filter.devicePlaceholder')} pattern="[A-Za-z0-9_\-]{1,64}" onInput={(event) => setDeviceDraft(event.currentTarget.value)} onChange={(event) => setDevice(event.currentTarget.value.trim())} />
        </label>
        <label>
          {t('deadLetters.filter.reason')}
          <select value={reason} onChange={(event) => setReason(event.currentTarget.value)}>
            <option value="">{t('deadLetters.filter.anyReason')}</option>
            {catalogue?.rejectReasons.map((entry) => (
              <option value={entry.code} key={entry.code}>
                {entry.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('deadLetters.filter.from')}
          <input type="datetime-local" value={toLocalInput(from ? Number(from) : undefined)} onChange={(event) => setFrom(String(fromLocalInput(event.currentTarget.value) ?? ''))} />
        </label>
        <label>
          {t('deadLetters.filter.until')}
          <input type="datetime-local" value={toLocalInput(to ? Number(to) : undefined)} onChange={(event) => setTo(String(fromLocalInput(event.currentTarget.value) ?? ''))} />
        </label>
        {filtered && (
          <Link class="button button-ghost" href="/dead-letters">
            {t('deadLetters.filter.clear')}
          </Link>
        )}
      </form>
      {reason && catalogue && <p class="hint">{known(reason) ? describe(reason) : undefined}</p>}

      <StaleNotice error={page.data ? page.error : undefined} updatedAt={page.updatedAt} onRetry={page.reload} />
      {page.loading && <Loading what={t('deadLetters.loading')} />}
      {!page.loading && !page.data && page.error && <ErrorNotice error={page.error} onRetry={page.reload} />}
      {page.data && items.length === 0 && (
        <Empty title={filtered ? t('deadLetters.noMatch') : t('deadLetters.none')}>
          {filtered ? t('deadLetters.noMatchHint') : t('deadLetters.noneHint')}
        </Empty>
      )}

      {groups.length > 0 && (
        <section class="card" aria-labelledby="groups-title">
          <h2 id="groups-title" class="card-title">
            {t('deadLetters.groups.title')}{' '}
            <span class="muted">
              {page.data && page.data.matching > items.length
                ? t('deadLetters.groups.recentOf', { count: formatCount(items.length), matching: formatCount(page.data.matching) })
                : t('deadLetters.groups.recent', { count: formatCount(items.length) })}
            </span>
          </h2>
          <div class="table-scroll">
            <table class="table groups-table">
              <thead>
                <tr>
                  <th scope="col">{t('deadLetters.col.device')}</th>
                  <th scope="col">{t('deadLetters.col.reason')}</th>
                  <th scope="col" class="numeric">
                    {t('deadLetters.col.count')}
                  </th>
                  <th scope="col">{t('deadLetters.col.latest')}</th>
                  <th scope="col" class="col-optional">
                    {t('deadLetters.col.example')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {groups.map((group) => (
                  <tr key={`${group.deviceId}|${group.reason}`} data-device={group.deviceId ?? ''} data-reason={group.reason}>
                    <th scope="row">
                      {group.deviceId ? (
                        <Link href={`/dead-letters?device=${encodeURIComponent(group.deviceId)}&reason=${group.reason}`}>{group.deviceId}</Link>
                      ) : (
                        <span class="muted">{t('deadLetters.unknownTopic', { topic: group.topic })}</span>
                      )}
                    </th>
                    <td>
                      <code title={describe(group.reason)}>{group.reason}</code>
                    </td>
                    <td class="numeric">{formatCount(group.count)}</td>
                    <td>
                      <Time value={group.latest} />
                    </td>
                    <td class="col-optional detail-cell">{group.example}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {items.length > 0 && (
        <section class="card" aria-labelledby="letters-title">
          <h2 id="letters-title" class="card-title">
            {t('deadLetters.newestFirst')}
          </h2>
          <DeadLetterList items={items} />
          {older.error && <ErrorNotice error={older.error} onRetry={loadOlder} compact />}
          {nextBefore !== null && (
            <button type="button" class="button" onClick={loadOlder} disabled={older.loading}>
              {older.loading ? t('deadLetters.loadingOlder') : t('deadLetters.loadOlder')}
            </button>
          )}
        </section>
      )}
    </Page>
  );
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
