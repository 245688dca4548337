import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { hubApi } from '../api/hub-api';
import { hasRole, useMe } from '../auth/session';
import { ApiError } from '../api/http';
import type { AlertView } from '@hub/api-types';
import { isTyping } from '../components/keyboard';
import { ErrorNotice } from '../components/states';
import { type MessageId, t } from '../i18n/i18n';
import { Link } from '../router';

type Action = 'acknowledge' | 'resolve' | 'comment';
const DONE_TEXT: Record<Action, MessageId> = { acknowledge: 'alert.action.acknowledged', resolve: 'alert.action.resolved', comment: 'alert.action.commented' };

/**
 * Acknowledge, resolve or comment, with a note; the hub records the logged-in operator as the actor. Viewers get no
 * form at all (the hub would refuse them anyway). The hub's objections are shown at the field.
 */
export function ActionForm(props: { alert: AlertView; onDone: () => void }): JSX.Element {
  const me = useMe();
  if (!hasRole(me, 'operator')) {
    return (
      <p class="muted action-readonly" data-readonly-reason="viewer">
        {t('alert.action.viewerOnly')}
      </p>
    );
  }
  return <OperatorActions {...props} name={me.name} />;
}

function OperatorActions(props: { alert: AlertView; onDone: () => void; name: string }): JSX.Element {
  const { alert } = props;
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ fields: Record<string, string>; error?: Error }>({ fields: {} });
  const [done, setDone] = useState('');
  const noteField = useRef<HTMLTextAreaElement>(null);

  const run = async (action: Action): Promise<void> => {
    const text = note.trim();
    if (action === 'comment' && text === '') {
      setProblem({ fields: { text: t('alert.action.commentFirst') } });
      noteField.current?.focus();
      return;
    }
    setBusy(true);
    setProblem({ fields: {} });
    setDone('');
    try {
      if (action === 'acknowledge') await hubApi.acknowledge(alert.id, text);
      else if (action === 'resolve') await hubApi.resolve(alert.id, text);
      else await hubApi.comment(alert.id, text);
      setNote('');
      setDone(t(DONE_TEXT[action], { name: props.name }));
      props.onDone();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (failure instanceof ApiError && failure.status === 409) {
        setProblem({ fields: {}, error: new ApiError(409, t('alert.action.conflict', { message: failure.message })) });
        props.onDone();
      } else {
        setProblem({ fields: failure instanceof ApiError ? failure.fields : {}, error: failure });
      }
    } finally {
      setBusy(false);
    }
  };

  // a / r / c: start acknowledging, resolving or commenting from the keyboard (the note field takes focus).
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || document.querySelector('dialog[open]')) return;
      if (!['a', 'r', 'c'].includes(event.key)) return;
      event.preventDefault();
      noteField.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const noteError = problem.fields.note ?? problem.fields.text;
  const open = alert.state !== 'resolved';
  return (
    <form
      class="action-form"
      aria-label={t('alert.action.label')}
      onSubmit={(event) => {
        event.preventDefault();
        void run(alert.state === 'firing' ? 'acknowledge' : 'comment');
      }}
    >
      <label>
        {t('alert.action.note')}
        <textarea
          ref={noteField}
          name="note"
          value={note}
          placeholder={alert.state === 'firing' ? t('alert.action.notePlaceholder') : t('alert.action.notePlaceholderHistory')}
          aria-invalid={noteError ? 'true' : undefined}
          aria-describedby={noteError ? 'note-error' : undefined}
          onInput={(event) => setNote(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              void run(alert.state === 'firing' ? 'acknowledge' : 'comment');
            }
          }}
        />
        {noteError && (
          <p class="field-error" id="note-error">
            {noteError}
          </p>
        )}
      </label>
      <div class="action-buttons">
        {alert.state === 'firing' && (
          <button type="button" class="button button-primary" disabled={busy} onClick={() => void run('acknowledge')} aria-keyshortcuts="a">
            {t('alert.action.acknowledge')}
          </button>
        )}
        {open && (
          <button type="button" class="button" disabled={busy} onClick={() => void run('resolve')} aria-keyshortcuts="r">
            {t('alert.action.resolve')}
          </button>
        )}
        <button type="button" class="button" disabled={busy} onClick={() => void run('comment')} aria-keyshortcuts="c">
          {t('alert.action.comment')}
        </button>
        <Link
          class="button button-ghost"
          href={`/silences?deviceId=${encodeURIComponent(alert.deviceId)}&ruleId=${encodeURIComponent(alert.ruleId)}&domain=${alert.domain}${alert.town ? `&town=${encodeURIComponent(alert.town)}` : ''}`}
        >
          {t('alert.action.silence')}
        </Link>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
      {problem.error && Object.keys(problem.fields).length === 0 && <ErrorNotice error={problem.error} compact />}
    </form>
  );
}
