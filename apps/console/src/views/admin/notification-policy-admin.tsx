import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { NotificationPolicyTree } from '@hub/api-types';
import { ApiError } from '../../api/http';
import { hubApi } from '../../api/hub-api';
import { ErrorNotice, Loading } from '../../components/states';
import { useResource } from '../../hooks/use-resource';
import { t } from '../../i18n/i18n';
import { describePath, draftOfTree, moveRoute, type Problems, removeRoute, type RouteDraft, treeOfDraft, updateRoute } from '../../notification-policies/policy-draft';
import { PolicyTreeView } from './notification-policy-tree';
import { RouteEditor, type RouteEditorContext } from './route-editor';

/**
 * The notification policy as county-wide admins keep it: the routing tree in force, in words, and a structured
 * editor (routes, matchers, contact points, timings in minutes, quiet hours, escalation levels) that replaces the
 * whole tree at once. The hub checks the tree and names every problem by its path; each is shown at its input and
 * listed above the form with its route named in words.
 */
export function NotificationPolicyAdmin(): JSX.Element {
  const tree = useResource((signal) => hubApi.notificationPolicies(signal), []);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <>
      <section class="card" aria-labelledby="policy-title">
        <div class="card-header">
          <h2 class="card-title" id="policy-title">
            {t('notify.policy.title')}
          </h2>
          {tree.data && !editing && (
            <button
              type="button"
              class="button button-primary"
              onClick={() => {
                setSaved(false);
                setEditing(true);
              }}
            >
              {t('notify.policy.edit')}
            </button>
          )}
        </div>
        <p class="muted">{t('notify.policy.intro')}</p>
        {saved && (
          <p class="notice notice-compact" role="status">
            {t('notify.policy.saved')}
          </p>
        )}
        {tree.loading && <Loading what={t('notify.policy.loading')} />}
        {!tree.data && tree.error && <ErrorNotice error={tree.error} onRetry={tree.reload} />}
        {tree.data && <PolicyTreeView tree={tree.data} />}
      </section>
      {editing && tree.data && (
        <PolicyEditor
          tree={tree.data}
          onSaved={() => {
            tree.reload();
            setEditing(false);
            setSaved(true);
          }}
          onClose={() => setEditing(false)}
        />
      )}
    </>
  );
}

function PolicyEditor(props: { tree: NotificationPolicyTree; onSaved: () => void; onClose: () => void }): JSX.Element {
  const contactPoints = useResource((signal) => hubApi.contactPoints(signal), []);
  const catalogue = useResource((signal) => hubApi.catalogue(signal), []);
  const [draft, setDraft] = useState<RouteDraft>(() => draftOfTree(props.tree));
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);

  const context: RouteEditorContext = {
    contactPoints: contactPoints.data?.map((point) => point.name) ?? [],
    personalOptions: {
      email: contactPoints.data?.filter((point) => point.kind === 'email').map((point) => point.name) ?? [],
      sms: contactPoints.data?.filter((point) => point.kind === 'sms').map((point) => point.name) ?? [],
    },
    domains: catalogue.data?.domains.map((domain) => domain.domain) ?? [],
    problems,
    change: (path, change) => setDraft((current) => updateRoute(current, path, change)),
    remove: (path) => setDraft((current) => removeRoute(current, path)),
    move: (path, by) => setDraft((current) => moveRoute(current, path, by)),
  };

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFailure(undefined);
    setBusy(true);
    try {
      await hubApi.replaceNotificationPolicies(treeOfDraft(draft));
      setProblems({});
      props.onSaved();
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      const named = failed instanceof ApiError ? failed.fields : {};
      setProblems(named);
      if (Object.keys(named).length === 0) setFailure(failed);
    } finally {
      setBusy(false);
    }
  };

  const listed = Object.entries(problems);
  return (
    <section class="card policy-editor" aria-labelledby="policy-editor-title">
      <div class="card-header">
        <h2 class="card-title" id="policy-editor-title">
          {t('notify.policy.editorTitle')}
        </h2>
        <button type="button" class="button button-small" onClick={props.onClose}>
          {t('notify.policy.cancel')}
        </button>
      </div>
      {contactPoints.error && <ErrorNotice error={contactPoints.error} onRetry={contactPoints.reload} compact />}
      {catalogue.error && <ErrorNotice error={catalogue.error} onRetry={catalogue.reload} compact />}
      {(contactPoints.loading || catalogue.loading) && <Loading what={t('notify.policy.loadingChoices')} />}
      <form onSubmit={(event) => void save(event)} noValidate aria-label={t('notify.policy.title')}>
        {listed.length > 0 && (
          <div class="notice notice-error" role="alert">
            <div>
              <strong>{t('notify.policy.refused', { count: listed.length })}</strong>
              <ul class="policy-problems">
                {listed.map(([path, problem]) => (
                  <li key={path} data-problem-path={path}>
                    {t('notify.policy.problem', { place: describePath(draft, path), problem })}
                  </li>
                ))}
              </ul>
            </div>
          </div>
        )}
        <RouteEditor route={draft} path={[]} siblings={1} context={context} />
        {failure && <ErrorNotice error={failure} compact />}
        <div class="action-buttons">
          <button type="submit" class="button button-primary" disabled={busy}>
            {t('notify.policy.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
