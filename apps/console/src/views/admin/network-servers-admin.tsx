import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { NetworkServerView } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { Pill } from '../../components/badges';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { useResource } from '../../hooks/use-resource';
import { currentLanguage, t } from '../../i18n/i18n';
import { stateText, stateTone } from '../../network-servers/network-server-draft';
import { NetworkServerEditor } from './network-server-editor';
import { RichMessage } from './rich-message';

type Editing = { readonly kind: 'new' } | { readonly kind: 'saved'; readonly name: string } | undefined;

/** A bridge's state changes in seconds (a refused login, a reconnect): refreshed about as often as the System page. */
const REFRESH_MS = 3_000;

/**
 * LoRaWAN network servers as county-wide admins keep them: each ChirpStack connection with its bridge's live status
 * (connected or why not, since when, what it has taken and acknowledged), and the form to add, change or delete one.
 */
export function NetworkServersAdmin(): JSX.Element {
  const servers = useResource((signal) => hubApi.networkServers(signal), [], { refreshMs: REFRESH_MS });
  const [editing, setEditing] = useState<Editing>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const [failure, setFailure] = useState<Error | undefined>();
  const saved = editing?.kind === 'saved' ? servers.data?.find((server) => server.name === editing.name) : undefined;

  const remove = async (name: string): Promise<void> => {
    setFailure(undefined);
    try {
      await hubApi.deleteNetworkServer(name);
      setConfirming(undefined);
      if (editing?.kind === 'saved' && editing.name === name) setEditing(undefined);
      servers.reload();
    } catch (error) {
      setFailure(error instanceof Error ? error : new Error(String(error)));
    }
  };

  return (
    <>
      <section class="card" aria-labelledby="network-servers-title">
        <div class="card-header">
          <h2 class="card-title" id="network-servers-title">
            {t('admin.networkServers.title')}
          </h2>
          <button type="button" class="button button-primary" onClick={() => setEditing({ kind: 'new' })}>
            {t('admin.networkServers.new')}
          </button>
        </div>
        <NetworkServerHelp />
        {failure && <ErrorNotice error={failure} compact />}
        {servers.loading && <Loading what={t('admin.networkServers.loading')} />}
        {!servers.data && servers.error && <ErrorNotice error={servers.error} onRetry={servers.reload} />}
        {servers.data &&
          (servers.data.length === 0 ? (
            <Empty title={t('admin.networkServers.empty')}>{t('admin.networkServers.emptyText')}</Empty>
          ) : (
            <ServerTable servers={servers.data} confirming={confirming} onConfirm={setConfirming} onDelete={(name) => void remove(name)} onEdit={(name) => setEditing({ kind: 'saved', name })} />
          ))}
      </section>
      {editing?.kind === 'new' && (
        <NetworkServerEditor
          key="new"
          onSaved={(server) => {
            servers.reload();
            setEditing({ kind: 'saved', name: server.name });
          }}
          onClose={() => setEditing(undefined)}
        />
      )}
      {editing?.kind === 'saved' && saved && (
        <NetworkServerEditor key={`${saved.name}-${saved.updatedAt}`} saved={saved} onSaved={() => servers.reload()} onClose={() => setEditing(undefined)} />
      )}
    </>
  );
}

/** What ChirpStack must be set up to do, so an admin without the operations guide at hand knows. */
function NetworkServerHelp(): JSX.Element {
  return (
    <div class="muted network-server-help">
      <p>
        <RichMessage
          id="admin.networkServers.help1"
          parts={{
            marshaler: <strong>{t('admin.networkServers.jsonMarshaler')}</strong>,
            qos: <strong>{'QoS 1'}</strong>,
            jsonSetting: <code>{'json=true'}</code>,
            qosSetting: <code>{'qos=1'}</code>,
            section: <code>{'[integration.mqtt]'}</code>,
            file: <code>{'chirpstack.toml'}</code>,
            readTopic: <code>{'application/+/device/+/event/+'}</code>,
            writeTopic: <code>{'application/+/device/+/command/down'}</code>,
          }}
        />
      </p>
      <p>
        <RichMessage id="admin.networkServers.help2" parts={{ session: <strong>{t('admin.networkServers.persistentSession')}</strong> }} />
      </p>
    </div>
  );
}

function ServerTable(props: {
  servers: readonly NetworkServerView[];
  confirming: string | undefined;
  onConfirm: (name: string | undefined) => void;
  onDelete: (name: string) => void;
  onEdit: (name: string) => void;
}): JSX.Element {
  const number = new Intl.NumberFormat(currentLanguage());
  return (
    <div class="table-scroll">
      <table class="table network-servers-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.networkServers.connection')}</th>
            <th scope="col">{t('admin.networkServers.state')}</th>
            <th scope="col">{t('admin.networkServers.lastError')}</th>
            <th scope="col" class="numeric" title={t('admin.networkServers.receivedTitle')}>
              {t('admin.networkServers.received')}
            </th>
            <th scope="col" class="numeric" title={t('admin.networkServers.acknowledgedTitle')}>
              {t('admin.networkServers.acknowledged')}
            </th>
            <th scope="col" class="numeric" title={t('admin.networkServers.refusedTitle')}>
              {t('admin.networkServers.refused')}
            </th>
            <th scope="col" class="numeric" title={t('admin.networkServers.inFlightTitle')}>
              {t('admin.networkServers.inFlight')}
            </th>
            <th scope="col">
              <span class="visually-hidden">{t('admin.common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.servers.map((server) => (
            <tr key={server.name} data-network-server={server.name} data-state={server.status.state}>
              <th scope="row">
                <code>{server.name}</code> <span class="muted">{server.url}</span>
                <div class="muted small" data-cell="subscriptions">
                  {server.subscriptions.join(', ')}
                </div>
              </th>
              <td data-cell="state">
                <Pill tone={stateTone(server)}>{stateText(server)}</Pill>
                {server.status.connectedSince && (
                  <div class="muted small" data-cell="since">
                    <RichMessage id="admin.networkServers.since" parts={{ time: <Time value={server.status.connectedSince} /> }} />
                    {server.status.sessionPresent ? t('admin.networkServers.sessionKept') : ''}
                  </div>
                )}
              </td>
              <td data-cell="last-error">
                {server.status.lastError ? (
                  <>
                    <span data-cell="error-message">{server.status.lastError.message}</span>{' '}
                    <span class="muted small">
                      <Time value={server.status.lastError.at} />
                    </span>
                  </>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td class="numeric" data-cell="received">
                {number.format(server.status.counters.received)}
              </td>
              <td class="numeric" data-cell="acknowledged">
                {number.format(server.status.counters.acknowledged)}
              </td>
              <td class="numeric" data-cell="refused">
                {number.format(server.status.counters.refusedUnacknowledged)}
              </td>
              <td class="numeric" data-cell="in-flight">
                {number.format(server.status.inFlight)}
              </td>
              <td class="row-actions">
                {props.confirming === server.name ? (
                  <span class="confirm">
                    {t('admin.networkServers.confirmDelete', { name: server.name })}{' '}
                    <button type="button" class="button button-small button-danger" onClick={() => props.onDelete(server.name)}>
                      {t('admin.networkServers.delete')}
                    </button>{' '}
                    <button type="button" class="button button-small" onClick={() => props.onConfirm(undefined)}>
                      {t('admin.common.keep')}
                    </button>
                  </span>
                ) : (
                  <>
                    <button type="button" class="button button-small" onClick={() => props.onEdit(server.name)} aria-label={t('admin.common.editNamed', { name: server.name })}>
                      {t('admin.common.edit')}
                    </button>{' '}
                    <button type="button" class="button button-small" onClick={() => props.onConfirm(server.name)} aria-label={t('admin.networkServers.deleteNamed', { name: server.name })}>
                      {t('admin.networkServers.deleteAsk')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">{t('admin.networkServers.countersNote')}</p>
    </div>
  );
}
