import type { IssuedIntegrationClient } from '@hub/api-types';
import { type AuditRecorder, type Principal, assertScopeWithin, scopeWithin } from '@hub/access';
import type { Store, Tx } from '@hub/store';
import type { CatalogueSource } from '@hub/contract';
import { IntegrationClient, IntegrationClientView, toIntegrationClientView } from './integration-client';
import { IntegrationClientExistsError, IntegrationClientNotFoundError } from './integration-client.errors';
import { parseIntegrationClientChange, parseNewIntegrationClient } from './integration-client.input';
import { IntegrationClientRepository, IntegrationCredential } from './integration-client.repository';
import { IntegrationCredentialCache } from './integration-credential.cache';
import { issueSecret } from './integration-secret';

/** The live connections of integration clients (the broker): a client whose access changed must log in again. */
export interface IntegrationConnections {
  /** How many connections are logged in as `name` now. */
  count(name: string): number;
  /** Closes every connection logged in as `name`; returns how many. */
  disconnect(name: string): number;
}

/** A client with its secret, the only time it is shown: the shape of @hub/api-types. */
export type { IssuedIntegrationClient };

const TARGET_TYPE = 'mqtt-client';

/** Who manages clients: recorded by name, and kept to their own scope. */
export type IntegrationClientsActor = Pick<Principal, 'name' | 'scope'>;

/**
 * Department and integration MQTT clients: create one (its secret shown once), rotate or revoke its secret, change
 * its scope. Every change is in the audit log with who made it, in the change's transaction. A connected client
 * whose secret or scope changes is disconnected, so what it may read is always what was decided last: after the
 * commit and after the broker's credential cache has the change, or it could log in again with what it had before.
 * As with operators and API keys, a town- or domain-scoped admin sees and manages only clients inside their own scope
 * and cannot hand out a wider one: else an Ashford admin could make (or take the secret of) a county-wide client and
 * read every town's telemetry over MQTT.
 */
export class IntegrationClientsService {
  constructor(
    private readonly store: Store,
    private readonly repository: IntegrationClientRepository,
    private readonly credentials: IntegrationCredentialCache,
    private readonly audit: AuditRecorder,
    /** Subscriptions name domains: the ones the catalogue holds now. */
    private readonly catalogue: CatalogueSource,
    private readonly connections: IntegrationConnections,
    private readonly now: () => number = Date.now,
  ) {}

  async create(body: unknown, by: IntegrationClientsActor): Promise<IssuedIntegrationClient> {
    const input = parseNewIntegrationClient(body, this.catalogue.current());
    assertScopeWithin(by, { domains: input.domains, towns: input.towns }, `MQTT client ${input.name}`);
    const actor = by.name;
    const now = this.now();
    const { secret, hash } = issueSecret();
    const client: IntegrationClient = {
      name: input.name,
      scope: { domains: input.domains, towns: input.towns },
      description: input.description,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      secretIssuedAt: now,
      revokedAt: null,
    };
    await this.store.tx(async (tx) => {
      if (!(await this.repository.insert(client, hash, tx.exec))) throw new IntegrationClientExistsError(input.name);
      await this.record(tx, actor, 'mqtt-client.create', client.name, { domains: input.domains, towns: input.towns, description: input.description });
      this.rememberAfterCommit(tx, { client, secretHash: hash });
    });
    return { client: toIntegrationClientView(client), secret };
  }

  async list(by: IntegrationClientsActor): Promise<IntegrationClientView[]> {
    return (await this.repository.list()).filter((client) => scopeWithin(client.scope, by.scope)).map(toIntegrationClientView);
  }

  async get(name: string, by: IntegrationClientsActor): Promise<IntegrationClientView> {
    return toIntegrationClientView((await this.find(name, by)).client);
  }

  /** A new secret; the old one stops working at once. Also reinstates a revoked client. */
  async rotateSecret(name: string, by: IntegrationClientsActor): Promise<IssuedIntegrationClient> {
    const { secret, hash } = issueSecret();
    const now = this.now();
    const changed = await this.store.tx(async (tx) => {
      const previous = (await this.find(name, by, tx)).client;
      await this.repository.setSecret(name, hash, now, tx.exec);
      const client: IntegrationClient = { ...previous, secretIssuedAt: now, revokedAt: null, updatedAt: now };
      await this.record(tx, by.name, 'mqtt-client.secret.rotate', name, { reinstated: previous.secretIssuedAt === null, disconnected: this.connections.count(name) });
      this.rememberAfterCommit(tx, { client, secretHash: hash }, true);
      return client;
    });
    return { client: toIntegrationClientView(changed), secret };
  }

  /** The client can no longer connect; its connections are closed. Revoking a revoked client changes nothing. */
  async revokeSecret(name: string, by: IntegrationClientsActor): Promise<IntegrationClientView> {
    const now = this.now();
    const client = await this.store.tx(async (tx) => {
      const current = (await this.find(name, by, tx)).client;
      if (current.secretIssuedAt === null) return current;
      await this.repository.revoke(name, now, tx.exec);
      const revoked: IntegrationClient = { ...current, secretIssuedAt: null, revokedAt: now, updatedAt: now };
      await this.record(tx, by.name, 'mqtt-client.secret.revoke', name, { disconnected: this.connections.count(name) });
      this.rememberAfterCommit(tx, { client: revoked, secretHash: null }, true);
      return revoked;
    });
    return toIntegrationClientView(client);
  }

  /** Changes the scope or description; a scope change disconnects the client so it subscribes again within the new one. */
  async update(name: string, body: unknown, by: IntegrationClientsActor): Promise<IntegrationClientView> {
    const change = parseIntegrationClientChange(body, this.catalogue.current());
    const scopeChanged = change.domains !== undefined || change.towns !== undefined;
    const updated = await this.store.tx(async (tx) => {
      const { client, secretHash } = await this.find(name, by, tx);
      const next: IntegrationClient = {
        ...client,
        scope: { domains: change.domains ?? client.scope.domains, towns: change.towns ?? client.scope.towns },
        description: change.description ?? client.description,
        updatedAt: this.now(),
      };
      assertScopeWithin(by, next.scope, `MQTT client ${name}`);
      await this.repository.update(next, tx.exec);
      await this.record(tx, by.name, 'mqtt-client.update', name, {
        before: { domains: client.scope.domains, towns: client.scope.towns, description: client.description },
        after: { domains: next.scope.domains, towns: next.scope.towns, description: next.description },
        disconnected: scopeChanged ? this.connections.count(name) : 0,
      });
      this.rememberAfterCommit(tx, { client: next, secretHash }, scopeChanged);
      return next;
    });
    return toIntegrationClientView(updated);
  }

  /** The client, if `by` may manage it (404 when unknown, 403 when its scope reaches beyond by's). */
  private async find(name: string, by: IntegrationClientsActor, tx?: Tx): Promise<IntegrationCredential> {
    // A change reads the client in its transaction after this lock: two admins revoking at once record one revocation.
    if (tx !== undefined) await tx.lock(`mqtt-client:${name}`);
    const found = await this.repository.find(name, tx?.exec);
    if (found === undefined) throw new IntegrationClientNotFoundError(name);
    assertScopeWithin(by, found.client.scope, `MQTT client ${name}`);
    return found;
  }

  /** Memory first, then the connections: a client that reconnects at once meets the new secret or scope. */
  private rememberAfterCommit(tx: Tx, credential: IntegrationCredential, disconnect = false): void {
    tx.afterCommit(() => {
      this.credentials.remember(credential);
      if (disconnect) this.connections.disconnect(credential.client.name);
    });
  }

  private async record(tx: Tx, actor: string, action: string, name: string, detail: Record<string, unknown>): Promise<void> {
    await this.audit.record({ actor, action, targetType: TARGET_TYPE, targetId: name, detail }, tx.exec);
  }
}
