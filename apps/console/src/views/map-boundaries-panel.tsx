import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AreaBoundariesView } from '@hub/api-types';
import { ApiError } from '../api/http';
import { hubApi } from '../api/hub-api';
import { Time } from '../components/time';
import { t } from '../i18n/i18n';

interface Refusal {
  readonly message: string;
  readonly issues: readonly { field: string; area: string | null; problem: string }[];
}

/**
 * A county-wide admin's upload of the areas' boundaries: a GeoJSON file, checked whole by the hub. A refused file
 * lists each problem at its feature, named by the area the file gives it, so the admin finds it in their GIS tool.
 */
export function BoundariesPanel(props: { boundaries: AreaBoundariesView | undefined; maxBytes: number; onReplaced: () => void; onToggle: () => void }): JSX.Element {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const count = props.boundaries?.features.length ?? 0;

  const upload = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (file === null) return;
    setBusy(true);
    setDone(null);
    setRefusal(null);
    const text = await file.text();
    try {
      const stored = await hubApi.replaceAreaBoundaries(text);
      setDone(stored.features.length);
      props.onReplaced();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setRefusal({ message: error.message, issues: Object.entries(error.fields).map(([field, problem]) => ({ field, area: areaAt(text, field), problem })) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="card map-boundaries" data-boundaries-panel onToggle={props.onToggle}>
      <summary class="card-title">
        {t('map.boundaries.title')} <span class="muted">{t('map.boundaries.count', { count })}</span>
      </summary>
      {props.boundaries?.updatedAt && (
        <p class="muted">
          {t('map.boundaries.updatedBy', { by: props.boundaries.updatedBy ?? '' })} <Time value={props.boundaries.updatedAt} mode="full" />
        </p>
      )}
      <p class="muted">{t('map.boundaries.hint', { size: formatSize(props.maxBytes) })}</p>
      <form class="map-boundaries-form" onSubmit={(event) => void upload(event)}>
        <label>
          {t('map.boundaries.file')}
          <input type="file" accept=".geojson,.json,application/geo+json,application/json" data-boundaries-file onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
        </label>
        <button type="submit" class="button" disabled={file === null || busy}>
          {busy ? t('map.boundaries.uploading') : t('map.boundaries.upload')}
        </button>
      </form>
      {done !== null && (
        <p class="notice notice-ok" role="status" data-boundaries-done>
          {t('map.boundaries.done', { count: done })}
        </p>
      )}
      {refusal && (
        <div class="notice notice-error" role="alert" data-boundaries-refused>
          <p>{refusal.issues.length === 0 ? refusal.message : t('map.boundaries.refused')}</p>
          {refusal.issues.length > 0 && (
            <ul>
              {refusal.issues.map((issue) => (
                <li key={issue.field} data-issue={issue.field}>
                  <code>{issue.field}</code>
                  {issue.area !== null && <> ({issue.area})</>}: {issue.problem}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </details>
  );
}

/** The area the file names for the feature an issue is about (`features[3]…`), when the file can be read. */
function areaAt(text: string, field: string): string | null {
  const index = /^features\[(\d+)\]/.exec(field)?.[1];
  if (index === undefined) return null;
  try {
    const area = (JSON.parse(text) as { features?: { properties?: { area?: unknown } }[] }).features?.[Number(index)]?.properties?.area;
    return typeof area === 'string' ? area : null;
  } catch {
    return null;
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
