import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { emptyRuleForm, RuleForm, ruleDocumentOf, ruleFormOf } from '../alerts/rule-form';
import { SEVERITY_ORDER } from '../alerts/alert-order';
import { metricOf, useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import { FieldError, invalidProps } from '../components/field-error';
import { Page } from '../components/page';
import { ErrorNotice, Loading } from '../components/states';
import { humanize, metricLabel } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { Link, navigate } from '../router';
import { hasRole, useMe } from '../auth/session';

const MONTHS = Array.from({ length: 12 }, (_, index) => new Intl.DateTimeFormat(undefined, { month: 'short' }).format(new Date(2026, index, 1)));

/** Create or edit one rule. Every problem the hub finds is shown next to its field; nothing is saved until all are fixed. */
export function RuleEditView(props: { id?: string }): JSX.Element {
  const isNew = props.id === undefined;
  // Everyone may read a rule here; changing it takes an admin (the hub refuses anyone else).
  const readOnly = !hasRole(useMe(), 'admin');
  const { catalogue } = useCatalogue();
  const existing = useResource((signal) => (props.id === undefined ? Promise.resolve(undefined) : hubApi.rule(props.id, signal)), [props.id]);
  const [form, setForm] = useState<RuleForm | undefined>(isNew ? emptyRuleForm() : undefined);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (existing.data) setForm(ruleFormOf(existing.data));
  }, [existing.data]);

  if (!isNew && existing.loading) return <Page title="Rule"><Loading what="the rule" /></Page>;
  if (!isNew && !existing.data) return <Page title="Rule">{existing.error && <ErrorNotice error={existing.error} onRetry={existing.reload} />}</Page>;
  if (form === undefined) return <Page title="Rule"><Loading what="the rule" /></Page>;

  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]): void => setForm({ ...form, [key]: value });
  const metrics = catalogue?.domains.find((entry) => entry.domain === form.domain)?.metrics ?? [];
  const unit = metricOf(catalogue, form.domain, form.metric)?.unit ?? '';
  const shown = shownPaths(form, isNew);
  const otherProblems = Object.entries(fields).filter(([path]) => !shown.includes(path));

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setFields({});
    try {
      const body = ruleDocumentOf(form, isNew);
      const saved = isNew ? await hubApi.createRule(body) : await hubApi.replaceRule(form.id, body);
      navigate(`/rules#${encodeURIComponent(saved.id)}`);
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (): Promise<void> => {
    setBusy(true);
    try {
      await hubApi.deleteRule(form.id);
      navigate('/rules');
    } catch (error) {
      setFailure(error instanceof Error ? error : new Error(String(error)));
      setBusy(false);
    }
  };

  const text = (key: keyof RuleForm, label: string, path: string, options: { hint?: string; type?: 'text' | 'number'; step?: string } = {}): JSX.Element => (
    <Field label={label} path={path} fields={fields} hint={options.hint}>
      {options.type === 'number' ? (
        <input name={path} type="number" step={options.step} value={String(form[key] ?? '')} onInput={(event) => set(key, event.currentTarget.value as never)} {...invalidProps(fields, path)} />
      ) : (
        <input name={path} type="text" value={String(form[key] ?? '')} onInput={(event) => set(key, event.currentTarget.value as never)} {...invalidProps(fields, path)} />
      )}
    </Field>
  );
  const number = (key: keyof RuleForm, label: string, path: string, hint?: string): JSX.Element =>
    text(key, unit && unit !== '1' ? `${label} (${unit})` : label, path, { hint, type: 'number', step: 'any' });

  return (
    <Page
      title={isNew ? 'New rule' : `Rule: ${existing.data?.name ?? form.name}`}
      subtitle={!isNew && existing.data && `Revision ${existing.data.revision} · changed ${new Date(existing.data.updatedAt).toLocaleString()}`}
      actions={<Link href="/rules">All rules</Link>}
    >
      <form class="card rule-form" onSubmit={(event) => void save(event)} noValidate data-readonly={readOnly ? 'true' : undefined}>
        {readOnly && (
          <p class="notice notice-compact" role="status">
            Only admins change rules: this is the rule as it stands.
          </p>
        )}
        {failure && (Object.keys(fields).length === 0 || otherProblems.length > 0) && (
          <ErrorNotice error={Object.keys(fields).length > 0 ? new Error(otherProblems.map(([path, message]) => `${path} ${message}`).join('; ')) : failure} compact />
        )}
        {failure instanceof ApiError && failure.status === 409 && (
          <p class="hint">
            Someone changed this rule meanwhile. <button type="button" class="button button-small" onClick={existing.reload}>Load their version</button>
          </p>
        )}
        <fieldset disabled={readOnly}>
          <legend>What</legend>
          {isNew && text('id', 'Id (optional)', 'id', { hint: 'lower-case letters, digits and -; made from the name when empty' })}
          {text('name', 'Name', 'name')}
          <Field label="Description" path="description" fields={fields}>
            <textarea name="description" value={form.description} onInput={(event) => set('description', event.currentTarget.value)} {...invalidProps(fields, 'description')} />
          </Field>
          {text('standard', 'Standard cited', 'standard', { hint: 'the standard and clause the thresholds follow, quoted in every alert of the rule; empty: none' })}
          <Field label="Severity" path="severity" fields={fields}>
            <select name="severity" value={form.severity} onChange={(event) => set('severity', event.currentTarget.value)} {...invalidProps(fields, 'severity')}>
              {SEVERITY_ORDER.map((severity) => (
                <option value={severity} key={severity}>
                  {humanize(severity)}
                </option>
              ))}
            </select>
          </Field>
          <label class="checkbox">
            <input type="checkbox" name="enabled" checked={form.enabled} onChange={(event) => set('enabled', event.currentTarget.checked)} /> Rule is on
          </label>
        </fieldset>

        <fieldset disabled={readOnly}>
          <legend>Which readings</legend>
          <Field label="Domain" path="selector.domain" fields={fields}>
            <select
              name="selector.domain"
              value={form.domain}
              onChange={(event) => {
                const domain = event.currentTarget.value;
                const first = catalogue?.domains.find((entry) => entry.domain === domain)?.metrics[0]?.name ?? '';
                setForm({ ...form, domain, metric: first });
              }}
              {...invalidProps(fields, 'selector.domain')}
            >
              {(catalogue?.domains ?? []).map((entry) => (
                <option value={entry.domain} key={entry.domain}>
                  {humanize(entry.domain)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Metric" path="selector.metric" fields={fields} hint={metricOf(catalogue, form.domain, form.metric)?.description}>
            <select name="selector.metric" value={form.metric} onChange={(event) => set('metric', event.currentTarget.value)} {...invalidProps(fields, 'selector.metric')}>
              {metrics.map((metric) => (
                <option value={metric.name} key={metric.name}>
                  {metricLabel(metric.name)} ({metric.unit}) — typical {metric.typical[0]}–{metric.typical[1]}
                </option>
              ))}
            </select>
          </Field>
          {text('deviceIds', 'Only these devices', 'selector.deviceIds', { hint: 'comma-separated ids; empty: every device of the domain' })}
          {text('towns', 'Only these towns', 'selector.towns', { hint: 'comma-separated; empty: every town' })}
        </fieldset>

        <fieldset disabled={readOnly}>
          <legend>Condition</legend>
          <Field label="Type" path="condition.type" fields={fields}>
            <select name="condition.type" value={form.type} onChange={(event) => set('type', event.currentTarget.value as RuleForm['type'])} {...invalidProps(fields, 'condition.type')}>
              <option value="threshold">Threshold</option>
              <option value="rate-of-change">Rate of change</option>
              <option value="no-data">No data (silent device)</option>
              <option value="stuck">Stuck value</option>
            </select>
          </Field>
          {form.type === 'threshold' && (
            <>
              <Field label="Fires when the value is" path="condition.operator" fields={fields}>
                <select name="condition.operator" value={form.operator} onChange={(event) => set('operator', event.currentTarget.value as RuleForm['operator'])}>
                  <option value="above">at or above</option>
                  <option value="below">at or below</option>
                  <option value="outside">outside a band</option>
                </select>
              </Field>
              {form.operator === 'outside' ? (
                <>
                  {number('low', 'Low trigger', 'condition.low')}
                  {number('high', 'High trigger', 'condition.high')}
                  {number('clearLow', 'Clears above', 'condition.clearLow', 'empty: the low trigger')}
                  {number('clearHigh', 'Clears below', 'condition.clearHigh', 'empty: the high trigger')}
                </>
              ) : (
                <>
                  {number('value', 'Trigger', 'condition.value')}
                  {number('clear', form.operator === 'above' ? 'Clears below' : 'Clears above', 'condition.clear', 'empty: the trigger; a gap stops chatter')}
                </>
              )}
              {text('for', 'Held for', 'condition.for', { hint: 'e.g. 0s (at once), 1m, 5m' })}
              {text('clearFor', 'Clear held for', 'condition.clearFor')}
            </>
          )}
          {form.type === 'rate-of-change' && (
            <>
              <Field label="Direction" path="condition.direction" fields={fields}>
                <select name="condition.direction" value={form.direction} onChange={(event) => set('direction', event.currentTarget.value as RuleForm['direction'])}>
                  <option value="drop">Drop</option>
                  <option value="rise">Rise</option>
                  <option value="either">Either</option>
                </select>
              </Field>
              {number('amount', 'Change of at least', 'condition.amount')}
              {number('clear', 'Clears when the change is below', 'condition.clear')}
              {text('window', 'Within', 'condition.window', { hint: 'e.g. 10m' })}
              {text('clearFor', 'Clear held for', 'condition.clearFor')}
            </>
          )}
          {form.type === 'no-data' && (
            <>
              {text('silentFor', 'Silent for', 'condition.silentFor', { hint: 'e.g. 5m; empty to use only the interval multiple' })}
              {text('intervalMultiple', 'Or longer than … × its usual interval', 'condition.intervalMultiple', { type: 'number', step: 'any' })}
              {text('baseline', 'Usual interval measured over', 'condition.baseline')}
            </>
          )}
          {form.type === 'stuck' && (
            <>
              {text('window', 'Unchanged for', 'condition.window', { hint: 'e.g. 30m' })}
              {number('tolerance', 'Tolerance', 'condition.tolerance')}
              {text('minReadings', 'Over at least … readings', 'condition.minReadings', { type: 'number', step: '1' })}
            </>
          )}
        </fieldset>

        <fieldset disabled={readOnly}>
          <legend>When</legend>
          {text('evaluateEvery', 'Check every', 'evaluateEvery', { hint: '1s to 1h' })}
          <Field label="Only in these months" path="activeMonths" fields={fields} hint="none ticked: all year" group>
            <div class="months">
              {MONTHS.map((label, index) => (
                <label key={label} class="checkbox">
                  <input
                    type="checkbox"
                    checked={form.activeMonths.includes(index + 1)}
                    onChange={(event) =>
                      set('activeMonths', event.currentTarget.checked ? [...form.activeMonths, index + 1].sort((a, b) => a - b) : form.activeMonths.filter((month) => month !== index + 1))
                    }
                  />{' '}
                  {label}
                </label>
              ))}
            </div>
          </Field>
          {text('flapWindow', 'Flapping judged over', 'flapWindow', { hint: 'empty: 20 × the check interval' })}
        </fieldset>

        {!readOnly && (
        <div class="action-buttons">
          <button type="submit" class="button button-primary" disabled={busy}>
            {isNew ? 'Create rule' : 'Save changes'}
          </button>
          <Link class="button button-ghost" href="/rules">
            Cancel
          </Link>
          {!isNew &&
            (confirmDelete ? (
              <span class="confirm">
                Delete this rule? Its open alerts are resolved; their history stays.{' '}
                <button type="button" class="button button-danger" disabled={busy} onClick={() => void remove()}>
                  Delete rule
                </button>{' '}
                <button type="button" class="button" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </span>
            ) : (
              <button type="button" class="button" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            ))}
        </div>
        )}
      </form>
    </Page>
  );
}

function Field(props: { label: string; path: string; fields: Readonly<Record<string, string>>; hint?: string; group?: boolean; children: ComponentChildren }): JSX.Element {
  return (
    <div class="field" data-field={props.path}>
      {props.group ? (
        <div role="group" aria-label={props.label}>
          <span class="field-label">{props.label}</span>
          {props.children}
        </div>
      ) : (
        <label>
          <span class="field-label">{props.label}</span>
          {props.children}
        </label>
      )}
      {props.hint && <p class="field-hint">{props.hint}</p>}
      <FieldError fields={props.fields} path={props.path} />
    </div>
  );
}

/** The API paths that have a field on screen for this form; problems with any other path are listed at the top. */
function shownPaths(form: RuleForm, isNew: boolean): string[] {
  const paths = ['name', 'description', 'severity', 'selector.domain', 'selector.metric', 'selector.deviceIds', 'selector.towns', 'condition.type', 'evaluateEvery', 'activeMonths', 'flapWindow', 'standard'];
  if (isNew) paths.push('id');
  const condition: Record<RuleForm['type'], string[]> = {
    threshold: ['operator', 'for', 'clearFor', ...(form.operator === 'outside' ? ['low', 'high', 'clearLow', 'clearHigh'] : ['value', 'clear'])],
    'rate-of-change': ['direction', 'amount', 'clear', 'window', 'clearFor'],
    'no-data': ['silentFor', 'intervalMultiple', 'baseline'],
    stuck: ['window', 'tolerance', 'minReadings'],
  };
  return [...paths, ...condition[form.type].map((key) => `condition.${key}`)];
}
