import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hubApi } from '../../api/hub-api';
import type { AuditPage } from '@hub/api-types';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { formatDateTime } from '../../format/time';
import { useResource } from '../../hooks/use-resource';
import { t } from '../../i18n/i18n';
import { useQueryParam } from '../../router';

const PAGE = 100;

/** Every change and login, newest first, filtered by who, what and which thing; older pages on demand. */
export function AuditLogView(): JSX.Element {
  const [actor, setActor] = useQueryParam('actor');
  const [action, setAction] = useQueryParam('action');
  const [targetType, setTargetType] = useQueryParam('targetType');
  const [older, setOlder] = useState<AuditPage['items']>([]);
  const [olderError, setOlderError] = useState<Error | undefined>();
  const filter = { actor: actor.trim() || undefined, action: action.trim() || undefined, targetType: targetType.trim() || undefined, limit: PAGE };
  const first = useResource(
    (signal) => {
      setOlder([]);
      return hubApi.audit(filter, signal);
    },
    [filter.actor, filter.action, filter.targetType],
  );
  const items = [...(first.data?.items ?? []), ...older];
  const cursor = older.length > 0 ? (older.length % PAGE === 0 ? older[older.length - 1].id : null) : (first.data?.nextBefore ?? null);
  const loadOlder = async (): Promise<void> => {
    if (cursor === null) return;
    setOlderError(undefined);
    try {
      const page = await hubApi.audit({ ...filter, before: cursor });
      setOlder([...older, ...page.items]);
    } catch (error) {
      setOlderError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 class="card-title" id="audit-title">
        {t('admin.audit.title')}
      </h2>
      <div class="form-grid audit-filters">
        <label class="field">
          <span class="field-label">{t('admin.audit.who')}</span>
          <input name="actor" data-search value={actor} placeholder={t('admin.audit.whoPlaceholder')} onChange={(event) => setActor(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="field-label">{t('admin.audit.action')}</span>
          <input name="action" value={action} placeholder={t('admin.audit.actionPlaceholder')} onChange={(event) => setAction(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="field-label">{t('admin.audit.thing')}</span>
          <input name="targetType" value={targetType} placeholder={t('admin.audit.thingPlaceholder')} onChange={(event) => setTargetType(event.currentTarget.value)} />
        </label>
      </div>
      {first.loading && <Loading what={t('admin.audit.loading')} />}
      {!first.data && first.error && <ErrorNotice error={first.error} onRetry={first.reload} />}
      {first.data && items.length === 0 && <Empty title={t('admin.audit.empty')}>{t('admin.audit.emptyText')}</Empty>}
      {items.length > 0 && (
        <div class="table-scroll">
          <table class="table audit-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.when')}</th>
                <th scope="col">{t('admin.audit.who')}</th>
                <th scope="col">{t('admin.audit.what')}</th>
                <th scope="col">{t('admin.audit.which')}</th>
                <th scope="col" class="col-optional">
                  {t('admin.audit.details')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.id} data-audit-action={entry.action}>
                  <td>
                    <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                  </td>
                  <td data-field="actor">{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    {entry.targetType}
                    {entry.targetId !== null && ` ${entry.targetId}`}
                  </td>
                  <td class="col-optional audit-detail">{describeDetail(entry.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {olderError && <ErrorNotice error={olderError} compact />}
      {cursor !== null && items.length > 0 && (
        <div class="action-buttons">
          <button type="button" class="button" onClick={() => void loadOlder()}>
            {t('admin.audit.older')}
          </button>
        </div>
      )}
    </section>
  );
}

/** `note: crew sent · address: 10.0.0.7` — short values inline, nested ones as compact JSON. */
function describeDetail(detail: Readonly<Record<string, unknown>>): string {
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)}`)
    .join(' · ')
    .slice(0, 400);
}
