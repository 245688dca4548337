import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { CommandStatus, CommandView } from '@hub/api-types';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import { hasRole, useMe } from '../auth/session';
import { Pill } from '../components/badges';
import { FieldError, invalidProps } from '../components/field-error';
import { Empty, ErrorNotice, Loading } from '../components/states';
import { Time } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';

const STATUS_TONE: Record<CommandStatus, 'critical' | 'warning' | 'info' | 'ok' | 'muted'> = {
  queued: 'muted',
  sent: 'info',
  delivered: 'info',
  succeeded: 'ok',
  failed: 'critical',
  expired: 'warning',
};

/** The hub's duration syntax (1h, 10m, 30s): the same in every language. */
const EXPIRY_EXAMPLE = '1h';

/** A command's status as a word in the console's language (the code stays in data-status). */
function commandStatusLabel(status: CommandStatus): string {
  return t(`device.commands.status.${status}`);
}

/** A device's commands: send one (operators), and the history with each command's status. */
export function DeviceCommandsPanel(props: { deviceId: string }): JSX.Element {
  const me = useMe();
  const commands = useResource((signal) => hubApi.commands(props.deviceId, signal), [props.deviceId], { refreshMs: 5_000 });
  return (
    <section class="card" aria-labelledby="device-commands">
      <div class="card-header">
        <h2 id="device-commands" class="card-title">
          {t('device.commands.title')}
        </h2>
      </div>
      {hasRole(me, 'operator') ? (
        <CommandForm deviceId={props.deviceId} onSent={commands.reload} />
      ) : (
        <p class="muted" data-readonly-reason="viewer">
          {t('device.commands.readonly')}
        </p>
      )}
      {commands.loading && <Loading what={t('device.commands.loading')} />}
      {commands.error && !commands.data && <ErrorNotice error={commands.error} onRetry={commands.reload} compact />}
      {commands.data && (commands.data.length === 0 ? <Empty title={t('device.commands.none')} /> : <CommandHistory commands={commands.data} />)}
    </section>
  );
}

function CommandForm(props: { deviceId: string; onSent: () => void }): JSX.Element {
  const [name, setName] = useState('set-interval');
  const [args, setArgs] = useState('{"seconds": 10}');
  const [expiresIn, setExpiresIn] = useState('10m');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ fields: Record<string, string>; error?: Error }>({ fields: {} });
  const [done, setDone] = useState('');

  const submit = async (): Promise<void> => {
    let parsedArgs: unknown;
    try {
      parsedArgs = args.trim() === '' ? {} : (JSON.parse(args) as unknown);
    } catch {
      setProblem({ fields: { args: t('device.commands.argsNotJson') } });
      return;
    }
    setBusy(true);
    setProblem({ fields: {} });
    setDone('');
    try {
      const sent = await hubApi.sendCommand(props.deviceId, { name: name.trim(), args: parsedArgs, ...(expiresIn.trim() ? { expiresIn: expiresIn.trim() } : {}) });
      setDone(t('device.commands.done', { name: sent.name, status: commandStatusLabel(sent.status) }));
      props.onSent();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      setProblem({ fields: failure instanceof ApiError ? failure.fields : {}, error: failure });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="command-form"
      aria-label={t('device.commands.send')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label>
        {t('device.commands.name')}
        <input name="name" value={name} onInput={(event) => setName(event.currentTarget.value)} {...invalidProps(problem.fields, 'name')} />
        <FieldError fields={problem.fields} path="name" />
      </label>
      <label>
        {t('device.commands.args')}
        <input name="args" value={args} onInput={(event) => setArgs(event.currentTarget.value)} {...invalidProps(problem.fields, 'args')} />
        <FieldError fields={problem.fields} path="args" />
      </label>
      <label>
        {t('device.commands.expiresIn')}
        <input name="expiresIn" value={expiresIn} placeholder={EXPIRY_EXAMPLE} onInput={(event) => setExpiresIn(event.currentTarget.value)} {...invalidProps(problem.fields, 'expiresIn')} />
        <FieldError fields={problem.fields} path="expiresIn" />
      </label>
      <button type="submit" class="button button-primary" disabled={busy}>
        {t('device.commands.submit')}
      </button>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
      {problem.error && Object.keys(problem.fields).length === 0 && <ErrorNotice error={problem.error} compact />}
    </form>
  );
}

function CommandHistory(props: { commands: readonly CommandView[] }): JSX.Element {
  return (
    <div class="table-scroll">
      <table class="table commands-table">
        <thead>
          <tr>
            <th scope="col">{t('device.commands.col.command')}</th>
            <th scope="col">{t('device.commands.col.status')}</th>
            <th scope="col">{t('device.commands.col.sentBy')}</th>
            <th scope="col">{t('device.commands.col.created')}</th>
            <th scope="col">{t('device.commands.col.finished')}</th>
            <th scope="col">{t('device.commands.col.outcome')}</th>
          </tr>
        </thead>
        <tbody>
          {props.commands.map((command) => (
            <tr key={command.id} data-command-id={command.id} data-status={command.status}>
              <th scope="row">
                <code>{command.name}</code> <span class="muted">{JSON.stringify(command.args)}</span>
              </th>
              <td>
                <Pill tone={STATUS_TONE[command.status]}>{commandStatusLabel(command.status)}</Pill>
              </td>
              <td>{command.createdBy}</td>
              <td>
                <Time value={command.createdAt} />
              </td>
              <td>{command.finishedAt === null ? <span class="muted">{t('device.commands.expires')} <Time value={command.expiresAt} /></span> : <Time value={command.finishedAt} />}</td>
              <td>{command.error ?? (command.result === null ? '' : <code>{JSON.stringify(command.result)}</code>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
