import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AreaImportReport, AreaView } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { useResource } from '../../hooks/use-resource';
import { currentLanguage, t } from '../../i18n/i18n';

/** What a row is doing: being renamed, or asking before it is deleted. */
type RowAction = { readonly kind: 'rename' | 'delete'; readonly path: string } | undefined;

/**
 * The county's areas registry: towns with their villages, how many devices each holds, and the changes an admin
 * makes to it. The hub refuses a rename or delete while something still names the area; its message says who,
 * so it is shown as it is.
 */
export function AreasAdmin(): JSX.Element {
  const areas = useResource((signal) => hubApi.areas(signal), []);
  const [action, setAction] = useState<RowAction>();
  const [error, setError] = useState<Error | undefined>();
  const run = async (change: () => Promise<unknown>): Promise<void> => {
    setError(undefined);
    try {
      await change();
      setAction(undefined);
    } catch (problem) {
      setError(problem instanceof Error ? problem : new Error(String(problem)));
    }
    areas.reload();
  };
  const towns = areas.data?.filter((area) => area.level === 'town') ?? [];
  return (
    <>
      <AddArea towns={towns} onAdded={areas.reload} />
      <AreaImport onImported={areas.reload} />
      <section class="card" aria-labelledby="areas-title">
        <h2 class="card-title" id="areas-title">
          {t('admin.areas.title')}
        </h2>
        {error && (
          <div data-area-error>
            <ErrorNotice error={error} compact />
          </div>
        )}
        {areas.loading && <Loading what={t('admin.areas.loading')} />}
        {!areas.data && areas.error && <ErrorNotice error={areas.error} onRetry={areas.reload} />}
        {areas.data && areas.data.length === 0 && <Empty title={t('admin.areas.empty')}>{t('admin.areas.emptyText')}</Empty>}
        {areas.data && areas.data.length > 0 && (
          <div class="table-scroll">
            <table class="table areas-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.areas.area')}</th>
                  <th scope="col">{t('admin.areas.level')}</th>
                  <th scope="col" class="numeric">
                    {t('admin.areas.devices')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('admin.common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {areas.data.map((area) => (
                  <AreaRow
                    key={area.path}
                    area={area}
                    action={action?.path === area.path ? action.kind : undefined}
                    onAction={(kind) => {
                      setError(undefined);
                      setAction(kind ? { kind, path: area.path } : undefined);
                    }}
                    onRename={(name) => void run(() => hubApi.renameArea(area.path, name))}
                    onDelete={() => void run(() => hubApi.deleteArea(area.path))}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function AreaRow(props: { area: AreaView; action: 'rename' | 'delete' | undefined; onAction: (kind: 'rename' | 'delete' | undefined) => void; onRename: (name: string) => void; onDelete: () => void }): JSX.Element {
  const { area } = props;
  const [name, setName] = useState(area.name);
  return (
    <tr data-area={area.path}>
      <th scope="row" class={area.level === 'village' ? 'area-village' : undefined}>
        {area.name}
      </th>
      <td>{t(area.level === 'town' ? 'admin.areas.town' : 'admin.areas.village')}</td>
      <td class="numeric" data-cell="devices">
        {new Intl.NumberFormat(currentLanguage()).format(area.devices)}
      </td>
      <td class="row-actions">
        {props.action === 'rename' ? (
          <form
            class="confirm"
            onSubmit={(event) => {
              event.preventDefault();
              props.onRename(name.trim());
            }}
          >
            <input type="text" value={name} required aria-label={t('admin.areas.newName', { name: area.name })} onInput={(event) => setName(event.currentTarget.value)} />{' '}
            <button type="submit" class="button button-small button-primary">
              {t('admin.areas.rename')}
            </button>{' '}
            <button type="button" class="button button-small" onClick={() => props.onAction(undefined)}>
              {t('admin.common.cancel')}
            </button>
          </form>
        ) : props.action === 'delete' ? (
          <span class="confirm">
            {t('admin.areas.confirmDelete', { name: area.path })}{' '}
            <button type="button" class="button button-small button-danger" onClick={props.onDelete}>
              {t('admin.areas.delete')}
            </button>{' '}
            <button type="button" class="button button-small" onClick={() => props.onAction(undefined)}>
              {t('admin.common.keep')}
            </button>
          </span>
        ) : (
          <>
            <button type="button" class="button button-small" aria-label={t('admin.areas.renameNamed', { name: area.path })} onClick={() => props.onAction('rename')}>
              {t('admin.areas.renameAsk')}
            </button>{' '}
            <button type="button" class="button button-small" aria-label={t('admin.areas.deleteNamed', { name: area.path })} onClick={() => props.onAction('delete')}>
              {t('admin.areas.deleteAsk')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** A town (no parent) or a village under one of the towns. */
function AddArea(props: { towns: readonly AreaView[]; onAdded: () => void }): JSX.Element {
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const add = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await hubApi.createArea(parent === '' ? { name: name.trim() } : { name: name.trim(), parent });
      setName('');
      props.onAdded();
    } catch (problem) {
      setError(problem instanceof Error ? problem : new Error(String(problem)));
    }
  };
  return (
    <section class="card" aria-labelledby="area-add-title">
      <h2 class="card-title" id="area-add-title">
        {t('admin.areas.add')}
      </h2>
      <form class="form-row" data-area-add onSubmit={(event) => void add(event)}>
        <label>
          {t('admin.areas.name')}
          <input type="text" name="name" value={name} required onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <label>
          {t('admin.areas.under')}
          <select name="parent" value={parent} onChange={(event) => setParent(event.currentTarget.value)}>
            <option value="">{t('admin.areas.newTown')}</option>
            {props.towns.map((town) => (
              <option key={town.path} value={town.path}>
                {t('admin.areas.villageOf', { town: town.name })}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="button button-primary">
          {t('admin.areas.addButton')}
        </button>
      </form>
      {error && <ErrorNotice error={error} compact />}
    </section>
  );
}

/** A CSV file (columns town, village): the good lines are created, each refused one listed with its problems. */
function AreaImport(props: { onImported: () => void }): JSX.Element {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<AreaImportReport | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const upload = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (file === null) return;
    setBusy(true);
    setReport(undefined);
    setError(undefined);
    try {
      setReport(await hubApi.importAreas(await file.text()));
      props.onImported();
    } catch (problem) {
      setError(problem instanceof Error ? problem : new Error(String(problem)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="area-import-title">
      <h2 class="card-title" id="area-import-title">
        {t('admin.areas.import')}
      </h2>
      <p class="muted">{t('admin.areas.importHint')}</p>
      <form class="form-row" onSubmit={(event) => void upload(event)}>
        <label>
          {t('admin.areas.file')}
          <input type="file" accept=".csv,text/csv" data-area-file onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
        </label>
        <button type="submit" class="button" disabled={file === null || busy}>
          {busy ? t('admin.areas.importing') : t('admin.areas.importButton')}
        </button>
      </form>
      {error && <ErrorNotice error={error} compact fields />}
      {report && (
        <div class={`notice ${report.refused.length > 0 ? 'notice-error' : 'notice-ok'}`} role="status" data-area-import-report>
          <p data-area-created>{t('admin.areas.created', { count: report.created.length })}</p>
          {report.refused.length > 0 && (
            <ul>
              {report.refused.map((line) => (
                <li key={line.line} data-refused-line={line.line}>
                  {t('admin.areas.refusedLine', { line: line.line })} {line.path !== undefined && <code>{line.path}</code>} {line.problems.map((problem) => `${problem.field}: ${problem.problem}`).join('; ')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
