import type { ComponentChildren, JSX } from 'preact';
import { ApiError } from '../api/http';
import { formatClock } from '../format/time';
import { t } from '../i18n/i18n';

export function Loading(props: { what: string }): JSX.Element {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> {t('states.loading', { what: props.what })}
    </div>
  );
}

export function Empty(props: { title: string; children?: ComponentChildren }): JSX.Element {
  return (
    <div class="state state-empty" role="status">
      <p class="state-title">{props.title}</p>
      {props.children && <p class="state-hint">{props.children}</p>}
    </div>
  );
}

/** What went wrong, in the operator's terms, with what still works and a way to try again. */
export function describeError(error: Error): { title: string; detail: string } {
  if (error instanceof ApiError) {
    if (error.unreachable) return { title: t('states.error.unreachable'), detail: error.message };
    if (error.status === 503 && /influx/i.test(error.message)) {
      return { title: t('states.error.influx'), detail: t('states.error.influxDetail', { message: error.message }) };
    }
    if (error.status === 404) return { title: t('states.error.notFound'), detail: error.message };
    return { title: t('states.error.refused', { status: error.status }), detail: error.message };
  }
  return { title: t('states.error.other'), detail: error.message };
}

/**
 * A failed request, said plainly. `fields`: also list the hub's problem per field — for a refusal no form field shows
 * (a whole file refused: its header's columns, its size).
 */
export function ErrorNotice(props: { error: Error; onRetry?: () => void; compact?: boolean; fields?: boolean }): JSX.Element {
  const { title, detail } = describeError(props.error);
  const fields = props.fields && props.error instanceof ApiError ? Object.entries(props.error.fields) : [];
  return (
    <div class={`notice notice-error${props.compact ? ' notice-compact' : ''}`} role="alert">
      <div>
        <strong>{title}.</strong> <span class="notice-detail">{detail}</span>
        {fields.length > 0 && (
          <ul class="notice-fields">
            {fields.map(([field, problem]) => (
              <li key={field} data-field={field}>
                <code>{field}</code>: {problem}
              </li>
            ))}
          </ul>
        )}
      </div>
      {props.onRetry && (
        <button type="button" class="button" onClick={props.onRetry}>
          {t('states.tryAgain')}
        </button>
      )}
    </div>
  );
}

/** A failed refresh over data already on screen: the data stays, marked as possibly out of date. */
export function StaleNotice(props: { error: Error | undefined; updatedAt: number | undefined; onRetry: () => void }): JSX.Element | null {
  if (!props.error) return null;
  const { title } = describeError(props.error);
  return (
    <div class="notice notice-warning notice-compact" role="status">
      <span>
        {props.updatedAt ? t('states.stale', { title, time: formatClock(props.updatedAt) }) : t('states.staleEarlier', { title })}
      </span>
      <button type="button" class="button button-small" onClick={props.onRetry}>
        {t('states.refresh')}
      </button>
    </div>
  );
}
