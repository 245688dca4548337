import type { IssuedIntegrationClient } from '@hub/api-types';
import { type Principal, assertScopeWithin, scopeWithin } from '@hub/access';
import type { AuditLogRepository } from '@hub/store';
import type { CatalogueSource } from '@hub/contract';
import { IntegrationClient, IntegrationClientView, toIntegrationClientView } from './integration-client';
import { IntegrationClientExistsError, IntegrationClientNotFoundError } from './integration-client.errors';
import { parseIntegrationClientChange, parseNewIntegrationClient } from './integration-client.input';
import { IntegrationClientRepository } from './integration-client.repository';
import { issueSecret } from './integration-secret';

/** The live connections of integration clients (the broker): a client whose access changed must log in again. */
export interface IntegrationConnections {
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
 * its scope. Every change is in the audit log with who made it. A connected client whose secret or scope changes is
 * disconnected, so what it may read is always what was decided last. As with operators and API keys, a town- or
 * domain-scoped admin sees and manages only clients inside their own scope and cannot hand out a wider one: else an
 * Ashford admin could make (or take the secret of) a county-wide client and read every town's telemetry over MQTT.
 */
export class IntegrationClientsService {
  constructor(
    private readonly repository: IntegrationClientRepository,
    private readonly audit: AuditLogRepository,
    /** Subscriptions name domains: the ones the catalogue holds now. */
    private readonly catalogue: CatalogueSource,
    private readonly connections: IntegrationConnections,
    private readonly now: () => number = Date.now,
  ) {}

  create(body: unknown, by: IntegrationClientsActor): IssuedIntegrationClient {
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
    if (!this.repository.insert(client, hash)) throw new IntegrationClientExistsError(input.name);
    this.record(actor, 'mqtt-client.create', client.name, { domains: input.domains, towns: input.towns, description: input.description });
    return { client: toIntegrationClientView(client), secret };
  }

  list(by: IntegrationClientsActor): IntegrationClientView[] {
    return this.repository
      .list()
      .filter((client) => scopeWithin(client.scope, by.scope))
      .map(toIntegrationClientView);
  }

  get(name: string, by: IntegrationClientsActor): IntegrationClientView {
    return toIntegrationClientView(this.find(name, by));
  }

  /** A new secret; the old one stops working at once. Also reinstates a revoked client. */
  rotateSecret(name: string, by: IntegrationClientsActor): IssuedIntegrationClient {
    const previous = this.find(name, by);
    const now = this.now();
    const { secret, hash } = issueSecret();
    this.repository.setSecret(name, hash, now);
    const disconnected = this.connections.disconnect(name);
    this.record(by.name, 'mqtt-client.secret.rotate', name, { reinstated: previous.secretIssuedAt === null, disconnected });
    return { client: this.get(name, by), secret };
  }

  /** The client can no longer connect; its connections are closed. Revoking a revoked client changes nothing. */
  revokeSecret(name: string, by: IntegrationClientsActor): IntegrationClientView {
    const client = this.find(name, by);
    if (client.secretIssuedAt === null) return toIntegrationClientView(client);
    this.repository.revoke(name, this.now());
    const disconnected = this.connections.disconnect(name);
    this.record(by.name, 'mqtt-client.secret.revoke', name, { disconnected });
    return this.get(name, by);
  }

  /** Changes the scope or description; a scope change disconnects the client so it subscribes again within the new one. */
  update(name: string, body: unknown, by: IntegrationClientsActor): IntegrationClientView {
    const change = parseIntegrationClientChange(body, this.catalogue.current());
    const client = this.find(name, by);
    const updated: IntegrationClient = {
      ...client,
      scope: { domains: change.domains ?? client.scope.domains, towns: change.towns ?? client.scope.towns },
      description: change.description ?? client.description,
      updatedAt: this.now(),
    };
    assertScopeWithin(by, updated.scope, `MQTT client ${name}`);
    this.repository.update(updated);
    const scopeChanged = change.domains !== undefined || change.towns !== undefined;
    const disconnected = scopeChanged ? this.connections.disconnect(name) : 0;
    this.record(by.name, 'mqtt-client.update', name, {
      before: { domains: client.scope.domains, towns: client.scope.towns, description: client.description },
      after: { domains: updated.scope.domains, towns: updated.scope.towns, description: updated.description },
      disconnected,
    });
    return toIntegrationClientView(updated);
  }

  /** The client, if `by` may manage it (404 when unknown, 403 when its scope reaches beyond by's). */
  private find(name: string, by: IntegrationClientsActor): IntegrationClient {
    const found = this.repository.find(name);
    if (found === undefined) throw new IntegrationClientNotFoundError(name);
    assertScopeWithin(by, found.client.scope, `MQTT client ${name}`);
    return found.client;
  }

  private record(actor: string, action: string, name: string, detail: Record<string, unknown>): void {
    this.audit.record({ actor, action, targetType: TARGET_TYPE, targetId: name, detail });
  }
}
