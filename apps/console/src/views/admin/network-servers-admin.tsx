import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { NetworkServerView } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { Pill } from '../../components/badges';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { useResource } from '../../hooks/use-resource';
import { stateText, stateTone } from '../../network-servers/network-server-draft';
import { NetworkServerEditor } from './network-server-editor';

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
            LoRaWAN network servers
          </h2>
          <button type="button" class="button button-primary" onClick={() => setEditing({ kind: 'new' })}>
            New connection…
          </button>
        </div>
        <NetworkServerHelp />
        {failure && <ErrorNotice error={failure} compact />}
        {servers.loading && <Loading what="network servers" />}
        {!servers.data && servers.error && <ErrorNotice error={servers.error} onRetry={servers.reload} />}
        {servers.data &&
          (servers.data.length === 0 ? (
            <Empty title="No network servers yet">Add your ChirpStack’s broker to take its LoRaWAN meters’ uplinks.</Empty>
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
        The hub connects to the MQTT broker of a ChirpStack v4 network server as a client and takes the uplink events of its applications. In ChirpStack, enable the
        MQTT integration with the <strong>JSON marshaler</strong> and <strong>QoS 1</strong> (<code>json=true</code> and <code>qos=1</code> under{' '}
        <code>[integration.mqtt]</code> in <code>chirpstack.toml</code>; at ChirpStack's default QoS 0 the broker keeps nothing for the hub), and give the hub broker
        credentials that may read <code>application/+/device/+/event/+</code> and write <code>application/+/device/+/command/down</code> (commands).
      </p>
      <p>
        The hub subscribes at QoS 1 with a <strong>persistent session</strong> under a stable client id, and acknowledges an event only once its readings are durable: what
        the hub has not stored, the broker keeps and delivers again. Devices are matched by DevEUI and decoded with their device profile. More in the operations guide
        (docs/operations.md, “LoRaWAN network servers”).
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
  return (
    <div class="table-scroll">
      <table class="table network-servers-table">
        <thead>
          <tr>
            <th scope="col">Connection</th>
            <th scope="col">State</th>
            <th scope="col">Last error</th>
            <th scope="col" class="numeric" title="Messages taken from the broker since the bridge last (re)started">
              Received
            </th>
            <th scope="col" class="numeric" title="PUBACKs sent, each once its readings were durable, since the bridge last (re)started">
              Acknowledged
            </th>
            <th scope="col" class="numeric" title="Messages the hub could not make durable: left unacknowledged for the broker to deliver again">
              Refused
            </th>
            <th scope="col" class="numeric" title="Messages handed on whose PUBACK is not sent yet">
              In flight
            </th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
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
                    since <Time value={server.status.connectedSince} />
                    {server.status.sessionPresent ? ', session kept' : ''}
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
                {server.status.counters.received}
              </td>
              <td class="numeric" data-cell="acknowledged">
                {server.status.counters.acknowledged}
              </td>
              <td class="numeric" data-cell="refused">
                {server.status.counters.refusedUnacknowledged}
              </td>
              <td class="numeric" data-cell="in-flight">
                {server.status.inFlight}
              </td>
              <td class="row-actions">
                {props.confirming === server.name ? (
                  <span class="confirm">
                    Delete {server.name}? The hub unsubscribes, and the broker keeps nothing more for it.{' '}
                    <button type="button" class="button button-small button-danger" onClick={() => props.onDelete(server.name)}>
                      Delete
                    </button>{' '}
                    <button type="button" class="button button-small" onClick={() => props.onConfirm(undefined)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <>
                    <button type="button" class="button button-small" onClick={() => props.onEdit(server.name)} aria-label={`Edit ${server.name}`}>
                      Edit…
                    </button>{' '}
                    <button type="button" class="button button-small" onClick={() => props.onConfirm(server.name)} aria-label={`Delete ${server.name}`}>
                      Delete…
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">Counters start again from 0 whenever a connection is changed or the hub restarts.</p>
    </div>
  );
}
