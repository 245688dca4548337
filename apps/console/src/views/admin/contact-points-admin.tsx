import type { JSX } from 'preact';
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ContactPointView, DeliveryResult } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { contactPointSummary, kindLabel } from '../../contact-points/contact-point-draft';
import { useResource } from '../../hooks/use-resource';
import { t } from '../../i18n/i18n';
import { placesNaming } from '../../notification-policies/policy-text';
import { ContactPointDeliveries, outcomeText } from './contact-point-deliveries';
import { ContactPointEditor } from './contact-point-editor';

type Editing = { readonly kind: 'new' } | { readonly kind: 'saved'; readonly name: string } | undefined;

/** A test message's outcome per contact point: sending, its delivery result, or why the hub would not send. */
type TestState = { readonly sending: true } | { readonly sending: false; readonly result?: DeliveryResult; readonly error?: Error };

/**
 * Where alerts can be sent, as county-wide admins keep them: each contact point with a one-line summary of where
 * it sends (never a secret: the hub does not answer them), a test message and how the receiver took it, its recent
 * deliveries, and the form to add, change or delete one.
 */
export function ContactPointsAdmin(): JSX.Element {
  const points = useResource((signal) => hubApi.contactPoints(signal), []);
  // Read only to warn before a delete; the list works without it.
  const policy = useResource((signal) => hubApi.notificationPolicies(signal), []);
  const [editing, setEditing] = useState<Editing>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const [failure, setFailure] = useState<Error | undefined>();
  const [tests, setTests] = useState<Readonly<Record<string, TestState>>>({});
  const [open, setOpen] = useState<string | undefined>();
  /** Bumped after each test so the open delivery log shows the new attempt. */
  const [version, setVersion] = useState(0);
  const saved = editing?.kind === 'saved' ? points.data?.find((point) => point.name === editing.name) : undefined;

  const remove = async (name: string): Promise<void> => {
    setFailure(undefined);
    try {
      await hubApi.deleteContactPoint(name);
      setConfirming(undefined);
      if (editing?.kind === 'saved' && editing.name === name) setEditing(undefined);
      if (open === name) setOpen(undefined);
      points.reload();
    } catch (error) {
      setFailure(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const test = async (name: string): Promise<void> => {
    setTests((current) => ({ ...current, [name]: { sending: true } }));
    try {
      const result = await hubApi.testContactPoint(name);
      setTests((current) => ({ ...current, [name]: { sending: false, result } }));
    } catch (error) {
      setTests((current) => ({ ...current, [name]: { sending: false, error: error instanceof Error ? error : new Error(String(error)) } }));
    }
    setVersion((current) => current + 1);
  };

  return (
    <>
      <section class="card" aria-labelledby="contact-points-title">
        <div class="card-header">
          <h2 class="card-title" id="contact-points-title">
            {t('notify.contactPoints.title')}
          </h2>
          <button type="button" class="button button-primary" onClick={() => setEditing({ kind: 'new' })}>
            {t('notify.contactPoints.new')}
          </button>
        </div>
        <p class="muted">{t('notify.contactPoints.intro')}</p>
        {failure && <ErrorNotice error={failure} compact />}
        {points.loading && <Loading what={t('notify.contactPoints.loading')} />}
        {!points.data && points.error && <ErrorNotice error={points.error} onRetry={points.reload} />}
        {points.data &&
          (points.data.length === 0 ? (
            <Empty title={t('notify.contactPoints.empty')}>{t('notify.contactPoints.emptyHint')}</Empty>
          ) : (
            <div class="table-scroll">
              <table class="table contact-points-table">
                <thead>
                  <tr>
                    <th scope="col">{t('notify.contactPoints.name')}</th>
                    <th scope="col">{t('notify.contactPoints.kind')}</th>
                    <th scope="col">{t('notify.contactPoints.sendsTo')}</th>
                    <th scope="col">{t('notify.contactPoints.changed')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t('notify.contactPoints.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {points.data.map((point) => (
                    <Fragment key={point.name}>
                      <PointRow
                        point={point}
                        test={tests[point.name]}
                        confirming={confirming === point.name}
                        namedBy={policy.data ? placesNaming(policy.data, point.name) : []}
                        deliveriesOpen={open === point.name}
                        onTest={() => void test(point.name)}
                        onToggleDeliveries={() => setOpen(open === point.name ? undefined : point.name)}
                        onEdit={() => setEditing({ kind: 'saved', name: point.name })}
                        onConfirm={(on) => setConfirming(on ? point.name : undefined)}
                        onDelete={() => void remove(point.name)}
                      />
                      {open === point.name && (
                        <tr class="contact-point-detail">
                          <td colSpan={5}>
                            <ContactPointDeliveries name={point.name} version={version} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </section>
      {editing?.kind === 'new' && (
        <ContactPointEditor
          key="new"
          onSaved={(point) => {
            points.reload();
            setEditing({ kind: 'saved', name: point.name });
          }}
          onClose={() => setEditing(undefined)}
        />
      )}
      {editing?.kind === 'saved' && saved && (
        <ContactPointEditor key={`${saved.name}-${saved.updatedAt}`} saved={saved} onSaved={() => points.reload()} onClose={() => setEditing(undefined)} />
      )}
    </>
  );
}

function PointRow(props: {
  point: ContactPointView;
  test: TestState | undefined;
  confirming: boolean;
  /** Where the notification policy names it. */
  namedBy: readonly string[];
  deliveriesOpen: boolean;
  onTest: () => void;
  onToggleDeliveries: () => void;
  onEdit: () => void;
  onConfirm: (on: boolean) => void;
  onDelete: () => void;
}): JSX.Element {
  const { point, test } = props;
  // The Delete… button the admin pressed is replaced by the question: focus moves to its safe answer, not to the page.
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (props.confirming) keep.current?.focus();
  }, [props.confirming]);
  return (
    <tr data-contact-point={point.name} data-kind={point.kind}>
      <th scope="row">
        <code>{point.name}</code>
      </th>
      <td data-cell="kind">{kindLabel(point.kind)}</td>
      <td data-cell="summary">
        <span data-cell="sends-to">{contactPointSummary(point)}</span>
        {test && (
          <div class="small" role="status" data-cell="test-result">
            <TestOutcome test={test} />
          </div>
        )}
      </td>
      <td class="small">
        <Time value={point.updatedAt} /> <span class="muted">{t('notify.contactPoints.by', { user: point.updatedBy })}</span>
      </td>
      <td class="row-actions">
        {props.confirming ? (
          <span class="confirm">
            {t('notify.contactPoints.confirmDelete', { name: point.name })}
            {props.namedBy.length > 0 && t('notify.contactPoints.stillNamed', { places: props.namedBy.join(', ') })}{' '}
            <button type="button" class="button button-small button-danger" onClick={props.onDelete}>
              {t('notify.contactPoints.delete')}
            </button>{' '}
            <button type="button" class="button button-small" ref={keep} onClick={() => props.onConfirm(false)}>
              {t('notify.contactPoints.keep')}
            </button>
          </span>
        ) : (
          <>
            <button type="button" class="button button-small" disabled={test?.sending === true} onClick={props.onTest} aria-label={t('notify.contactPoints.testLabel', { name: point.name })}>
              {t('notify.contactPoints.test')}
            </button>{' '}
            <button type="button" class="button button-small" aria-expanded={props.deliveriesOpen} onClick={props.onToggleDeliveries} aria-label={t('notify.contactPoints.deliveriesLabel', { name: point.name })}>
              {t('notify.contactPoints.deliveries')}
            </button>{' '}
            <button type="button" class="button button-small" onClick={props.onEdit} aria-label={t('notify.contactPoints.editLabel', { name: point.name })}>
              {t('notify.contactPoints.edit')}
            </button>{' '}
            <button type="button" class="button button-small" onClick={() => props.onConfirm(true)} aria-label={t('notify.contactPoints.deleteLabel', { name: point.name })}>
              {t('notify.contactPoints.deleteAsk')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

function TestOutcome(props: { test: TestState }): JSX.Element {
  const { test } = props;
  if (test.sending) return <span class="muted">{t('notify.contactPoints.testSending')}</span>;
  if (test.error) return <ErrorNotice error={test.error} compact />;
  const result = test.result!;
  return (
    <span class={result.ok ? undefined : 'text-critical'}>
      {t('notify.contactPoints.testOutcome', { outcome: outcomeText(result) })}
      {result.providerAnswer !== '' && (
        <>
          {t('notify.contactPoints.answerSeparator')}
          <code>{result.providerAnswer}</code>
        </>
      )}
    </span>
  );
}
