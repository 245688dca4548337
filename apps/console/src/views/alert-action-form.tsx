import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { hubApi } from '../api/hub-api';
import { hasRole, useMe } from '../auth/session';
import { ApiError } from '../api/http';
import type { AlertView } from '@hub/api-types';
import { isTyping } from '../components/keyboard';
import { ErrorNotice } from '../components/states';
import { Link } from '../router';

type Action = 'acknowledge' | 'resolve' | 'comment';
const DONE_TEXT: Record<Action, string> = { acknowledge: 'Acknowledged', resolve: 'Resolved', comment: 'Comment added' };

/**
 * Acknowledge, resolve or comment, with a note; the hub records the logged-in operator as the actor. Viewers get no
 * form at all (the hub would refuse them anyway). The hub's objections are shown at the field.
 */
export function ActionForm(props: { alert: AlertView; onDone: () => void }): JSX.Element {
  const me = useMe();
  if (!hasRole(me, 'operator')) {
    return (
      <p class="muted action-readonly" data-readonly-reason="viewer">
        You can view alerts; acknowledging, resolving and commenting take the operator role.
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
      setProblem({ fields: { text: 'Write the comment first.' } });
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
      setDone(`${DONE_TEXT[action]} by ${props.name}.`);
      props.onDone();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (failure instanceof ApiError && failure.status === 409) {
        setProblem({ fields: {}, error: new ApiError(409, `${failure.message}. The alert changed meanwhile; it has been reloaded.`) });
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
      aria-label="Act on this alert"
      onSubmit={(event) => {
        event.preventDefault();
        void run(alert.state === 'firing' ? 'acknowledge' : 'comment');
      }}
    >
      <label>
        Note
        <textarea
          ref={noteField}
          name="note"
          value={note}
          placeholder={alert.state === 'firing' ? 'What you are doing about it (optional for acknowledge and resolve)' : 'Add to the history'}
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
            Acknowledge
          </button>
        )}
        {open && (
          <button type="button" class="button" disabled={busy} onClick={() => void run('resolve')} aria-keyshortcuts="r">
            Resolve
          </button>
        )}
        <button type="button" class="button" disabled={busy} onClick={() => void run('comment')} aria-keyshortcuts="c">
          Add comment
        </button>
        <Link
          class="button button-ghost"
          href={`/silences?deviceId=${encodeURIComponent(alert.deviceId)}&ruleId=${encodeURIComponent(alert.ruleId)}&domain=${alert.domain}${alert.town ? `&town=${encodeURIComponent(alert.town)}` : ''}`}
        >
          Silence…
        </Link>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
      {problem.error && Object.keys(problem.fields).length === 0 && <ErrorNotice error={problem.error} compact />}
    </form>
  );
}
