import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { CatalogueDomain, CatalogueMetric } from '@hub/api-types';
import { forgetCatalogue } from '../../api/catalogue';
import { ApiError } from '../../api/http';
import { hubApi } from '../../api/hub-api';
import { FieldError, invalidProps } from '../../components/field-error';
import { ErrorNotice, Loading } from '../../components/states';
import { useResource } from '../../hooks/use-resource';
import { type MessageId, t } from '../../i18n/i18n';

type Fields = Readonly<Record<string, string>>;

/** "12.5" → 12.5; anything else is sent as it is, so the hub's answer names the field that is wrong. */
function numberOf(text: string): number | string {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) ? value : text;
}

function problemOf(error: unknown): { failure: Error; fields: Fields } {
  const failure = error instanceof Error ? error : new Error(String(error));
  return { failure, fields: failure instanceof ApiError ? failure.fields : {} };
}

/**
 * The metric catalogue as admins keep it: add a domain (a flood office's rain gauges) or a metric without a release,
 * change a range or typical band (a stricter national standard), retire a metric no device should send any more.
 * Every change is in force for the next reading the hub takes, audited, and never touches stored readings.
 */
export function CatalogueAdmin(): JSX.Element {
  const catalogue = useResource((signal) => hubApi.catalogue(signal), []);
  const changed = (): void => {
    forgetCatalogue();
    catalogue.reload();
  };
  return (
    <>
      <NewDomain onAdded={changed} />
      {catalogue.loading && <Loading what={t('admin.catalogue.loading')} />}
      {!catalogue.data && catalogue.error && <ErrorNotice error={catalogue.error} onRetry={catalogue.reload} />}
      {catalogue.data?.domains.map((domain) => <DomainCard key={domain.domain} domain={domain} onChanged={changed} />)}
    </>
  );
}

function NewDomain(props: { onAdded: () => void }): JSX.Element {
  const [domain, setDomain] = useState('');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<{ failure: Error; fields: Fields } | undefined>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    try {
      await hubApi.addCatalogueDomain({ domain: domain.trim(), description: description.trim() });
      setDomain('');
      setDescription('');
      props.onAdded();
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  const fields = problem?.fields ?? {};
  return (
    <form class="card catalogue-domain-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-domain-title">
      <h2 class="card-title" id="new-domain-title">
        {t('admin.catalogue.newDomain')}
      </h2>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">{t('admin.common.name')}</span>
            <input name="domain" autoComplete="off" value={domain} onInput={(event) => setDomain(event.currentTarget.value)} {...invalidProps(fields, 'domain')} />
          </label>
          <p class="field-hint">{t('admin.catalogue.domainHint')}</p>
          <FieldError fields={fields} path="domain" />
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('admin.catalogue.covers')}</span>
            <input name="description" value={description} onInput={(event) => setDescription(event.currentTarget.value)} {...invalidProps(fields, 'description')} />
          </label>
          <FieldError fields={fields} path="description" />
        </div>
      </div>
      {problem && Object.keys(fields).length === 0 && <ErrorNotice error={problem.failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          {t('admin.catalogue.addDomain')}
        </button>
      </div>
    </form>
  );
}

function DomainCard(props: { domain: CatalogueDomain; onChanged: () => void }): JSX.Element {
  const { domain } = props;
  const [editing, setEditing] = useState<string | undefined>();
  const titleId = `domain-${domain.domain}`;
  return (
    <section class="card catalogue-domain" data-domain={domain.domain} aria-labelledby={titleId}>
      <h2 class="card-title" id={titleId}>
        {domain.domain} <span class="muted small">{domain.builtIn ? t('admin.catalogue.builtIn') : t('admin.catalogue.added')}</span>
      </h2>
      {domain.description && <p class="muted">{domain.description}</p>}
      {domain.metrics.length === 0 ? (
        <p class="muted">{t('admin.catalogue.noMetrics')}</p>
      ) : (
        <div class="table-scroll">
          <table class="table catalogue-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.catalogue.metric')}</th>
                <th scope="col">{t('admin.catalogue.unit')}</th>
                <th scope="col">{t('admin.catalogue.range')}</th>
                <th scope="col">{t('admin.catalogue.typical')}</th>
                <th scope="col" class="col-optional">
                  {t('admin.common.description')}
                </th>
                <th scope="col">
                  <span class="visually-hidden">{t('admin.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {domain.metrics.map((metric) =>
                editing === metric.name ? (
                  <MetricEditor key={metric.name} domain={domain.domain} metric={metric} onDone={() => (setEditing(undefined), props.onChanged())} onCancel={() => setEditing(undefined)} />
                ) : (
                  <MetricRow key={metric.name} domain={domain.domain} metric={metric} onEdit={() => setEditing(metric.name)} onChanged={props.onChanged} />
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
      <NewMetric domain={domain.domain} onAdded={props.onChanged} />
    </section>
  );
}

function MetricRow(props: { domain: string; metric: CatalogueMetric; onEdit: () => void; onChanged: () => void }): JSX.Element {
  const { metric } = props;
  const [failure, setFailure] = useState<Error | undefined>();
  const retired = metric.retiredAt !== null;
  const toggle = async (): Promise<void> => {
    setFailure(undefined);
    try {
      await hubApi.changeCatalogueMetric(props.domain, metric.name, { retired: !retired });
      props.onChanged();
    } catch (error) {
      setFailure(problemOf(error).failure);
    }
  };
  return (
    <tr data-metric={metric.name} class={retired ? 'row-disabled' : ''}>
      <th scope="row">
        <code>{metric.name}</code> <span class="muted small">{retired ? t('admin.catalogue.retired', { date: metric.retiredAt?.slice(0, 10) ?? '' }) : metric.builtIn ? t('admin.catalogue.builtIn') : t('admin.catalogue.added')}</span>
      </th>
      <td>{metric.unit}</td>
      <td>
        {metric.range[0]} … {metric.range[1]}
      </td>
      <td>
        {metric.typical[0]} … {metric.typical[1]}
      </td>
      <td class="col-optional">{metric.description}</td>
      <td class="row-actions">
        {failure && <ErrorNotice error={failure} compact />}
        <button type="button" class="button button-small" onClick={props.onEdit} disabled={retired}>
          {t('admin.common.edit')}
        </button>{' '}
        <button type="button" class="button button-small" onClick={() => void toggle()}>
          {retired ? t('admin.catalogue.restore') : t('admin.catalogue.retire')}
        </button>
      </td>
    </tr>
  );
}

/** Range, typical band and description of one metric; a range that leaves stored readings outside asks to confirm. */
function MetricEditor(props: { domain: string; metric: CatalogueMetric; onDone: () => void; onCancel: () => void }): JSX.Element {
  const { metric } = props;
  const [draft, setDraft] = useState({
    rangeMin: String(metric.range[0]),
    rangeMax: String(metric.range[1]),
    typicalMin: String(metric.typical[0]),
    typicalMax: String(metric.typical[1]),
    description: metric.description,
  });
  const [problem, setProblem] = useState<{ failure: Error; fields: Fields } | undefined>();
  const [confirmation, setConfirmation] = useState<string | undefined>();
  const set = (key: keyof typeof draft) => (event: Event) => setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });
  const save = async (confirm: boolean): Promise<void> => {
    setProblem(undefined);
    setConfirmation(undefined);
    try {
      await hubApi.changeCatalogueMetric(props.domain, metric.name, {
        range: [numberOf(draft.rangeMin), numberOf(draft.rangeMax)],
        typical: [numberOf(draft.typicalMin), numberOf(draft.typicalMax)],
        description: draft.description.trim(),
        ...(confirm ? { confirm: true } : {}),
      });
      props.onDone();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) setConfirmation(error.message);
      else setProblem(problemOf(error));
    }
  };
  const fields = problem?.fields ?? {};
  const input = (key: keyof typeof draft, label: MessageId, path: string) => (
    <input class="input-number" inputMode="decimal" aria-label={t(label, { metric: metric.name })} value={draft[key]} onInput={set(key)} {...invalidProps(fields, path)} />
  );
  return (
    <tr data-metric={metric.name} class="row-editing">
      <th scope="row">
        <code>{metric.name}</code>
      </th>
      <td>{metric.unit}</td>
      <td>
        {input('rangeMin', 'admin.catalogue.rangeFrom', 'range')} … {input('rangeMax', 'admin.catalogue.rangeTo', 'range')}
        <FieldError fields={fields} path="range" />
      </td>
      <td>
        {input('typicalMin', 'admin.catalogue.typicalFrom', 'typical')} … {input('typicalMax', 'admin.catalogue.typicalTo', 'typical')}
        <FieldError fields={fields} path="typical" />
      </td>
      <td class="col-optional">
        <input aria-label={t('admin.catalogue.descriptionOf', { metric: metric.name })} value={draft.description} onInput={set('description')} {...invalidProps(fields, 'description')} />
        <FieldError fields={fields} path="description" />
      </td>
      <td class="row-actions">
        {problem && Object.keys(fields).length === 0 && <ErrorNotice error={problem.failure} compact />}
        {confirmation ? (
          <span class="confirm" role="alert">
            {confirmation}{' '}
            <button type="button" class="button button-small button-danger" onClick={() => void save(true)}>
              {t('admin.catalogue.applyAnyway')}
            </button>{' '}
            <button type="button" class="button button-small" onClick={props.onCancel}>
              {t('admin.common.cancel')}
            </button>
          </span>
        ) : (
          <>
            <button type="button" class="button button-small button-primary" onClick={() => void save(false)}>
              {t('admin.catalogue.save')}
            </button>{' '}
            <button type="button" class="button button-small" onClick={props.onCancel}>
              {t('admin.common.cancel')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

function NewMetric(props: { domain: string; onAdded: () => void }): JSX.Element {
  const empty = { name: '', unit: '', description: '', rangeMin: '', rangeMax: '', typicalMin: '', typicalMax: '', integer: false };
  const [draft, setDraft] = useState(empty);
  const [problem, setProblem] = useState<{ failure: Error; fields: Fields } | undefined>();
  const set = (key: keyof typeof draft) => (event: Event) => setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    try {
      await hubApi.addCatalogueMetric(props.domain, {
        name: draft.name.trim(),
        unit: draft.unit.trim(),
        description: draft.description.trim(),
        range: [numberOf(draft.rangeMin), numberOf(draft.rangeMax)],
        typical: [numberOf(draft.typicalMin), numberOf(draft.typicalMax)],
        ...(draft.integer ? { integer: true } : {}),
      });
      setDraft(empty);
      props.onAdded();
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  const fields = problem?.fields ?? {};
  const field = (key: 'name' | 'unit' | 'description', label: string, hint?: string) => (
    <div class="field">
      <label>
        <span class="field-label">{label}</span>
        <input name={key} autoComplete="off" value={draft[key]} onInput={set(key)} {...invalidProps(fields, key)} />
      </label>
      {hint && <p class="field-hint">{hint}</p>}
      <FieldError fields={fields} path={key} />
    </div>
  );
  const pair = (path: 'range' | 'typical', label: string, min: 'rangeMin' | 'typicalMin', max: 'rangeMax' | 'typicalMax') => (
    <div class="field">
      <span class="field-label">{label}</span>
      <span class="range-pair">
        <input class="input-number" inputMode="decimal" aria-label={t('admin.catalogue.from', { label })} value={draft[min]} onInput={set(min)} {...invalidProps(fields, path)} /> …{' '}
        <input class="input-number" inputMode="decimal" aria-label={t('admin.catalogue.to', { label })} value={draft[max]} onInput={set(max)} {...invalidProps(fields, path)} />
      </span>
      <FieldError fields={fields} path={path} />
    </div>
  );
  return (
    <details class="new-metric">
      <summary>{t('admin.catalogue.addMetricTo', { domain: props.domain })}</summary>
      <form onSubmit={(event) => void submit(event)} noValidate aria-label={t('admin.catalogue.newMetric', { domain: props.domain })}>
        <div class="form-grid">
          {field('name', t('admin.common.name'), t('admin.catalogue.metricNameHint'))}
          {field('unit', t('admin.catalogue.unit'), t('admin.catalogue.unitHint'))}
          {field('description', t('admin.common.description'))}
          {pair('range', t('admin.catalogue.range'), 'rangeMin', 'rangeMax')}
          {pair('typical', t('admin.catalogue.typical'), 'typicalMin', 'typicalMax')}
          <div class="field">
            <label>
              <input type="checkbox" checked={draft.integer} onChange={(event) => setDraft({ ...draft, integer: event.currentTarget.checked })} /> {t('admin.catalogue.integer')}
            </label>
          </div>
        </div>
        {problem && Object.keys(fields).length === 0 && <ErrorNotice error={problem.failure} compact />}
        <div class="action-buttons">
          <button type="submit" class="button button-primary">
            {t('admin.catalogue.addMetric')}
          </button>
        </div>
      </form>
    </details>
  );
}
