import type { AuditLogRepository } from '../../store/src/audit-log.repository';
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

/** A client with its secret: the only time the secret is ever shown. */
export interface IssuedIntegrationClient {
  readonly client: IntegrationClientView;
  readonly secret: string;
}

const TARGET_TYPE = 'mqtt-client';

/**
 * Department and integration MQTT clients: create one (its secret shown once), rotate or revoke its secret, change
 * its scope. Every change is in the audit log with who made it. A connected client whose secret or scope changes is
 * disconnected, so what it may read is always what was decided last.
 */
export class IntegrationClientsService {
  constructor(
    private readonly repository: IntegrationClientRepository,
    private readonly audit: AuditLogRepository,
    private readonly connections: IntegrationConnections,
    private readonly now: () => number = Date.now,
  ) {}

  create(body: unknown, actor: string): IssuedIntegrationClient {
    const input = parseNewIntegrationClient(body);
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

  list(): IntegrationClientView[] {
    return this.repository.list().map(toIntegrationClientView);
  }

  get(name: string): IntegrationClientView {
    return toIntegrationClientView(this.find(name));
  }

  /** A new secret; the old one stops working at once. Also reinstates a revoked client. */
  rotateSecret(name: string, actor: string): IssuedIntegrationClient {
    const previous = this.find(name);
    const now = this.now();
    const { secret, hash } = issueSecret();
    this.repository.setSecret(name, hash, now);
    const disconnected = this.connections.disconnect(name);
    this.record(actor, 'mqtt-client.secret.rotate', name, { reinstated: previous.secretIssuedAt === null, disconnected });
    return { client: this.get(name), secret };
  }

  /** The client can no longer connect; its connections are closed. Revoking a revoked client changes nothing. */
  revokeSecret(name: string, actor: string): IntegrationClientView {
    const client = this.find(name);
    if (client.secretIssuedAt === null) return toIntegrationClientView(client);
    this.repository.revoke(name, this.now());
    const disconnected = this.connections.disconnect(name);
    this.record(actor, 'mqtt-client.secret.revoke', name, { disconnected });
    return this.get(name);
  }

  /** Changes the scope or description; a scope change disconnects the client so it subscribes again within the new one. */
  update(name: string, body: unknown, actor: string): IntegrationClientView {
    const change = parseIntegrationClientChange(body);
    const client = this.find(name);
    const updated: IntegrationClient = {
      ...client,
      scope: { domains: change.domains ?? client.scope.domains, towns: change.towns ?? client.scope.towns },
      description: change.description ?? client.description,
      updatedAt: this.now(),
    };
    this.repository.update(updated);
    const scopeChanged = change.domains !== undefined || change.towns !== undefined;
    const disconnected = scopeChanged ? this.connections.disconnect(name) : 0;
    this.record(actor, 'mqtt-client.update', name, {
      before: { domains: client.scope.domains, towns: client.scope.towns, description: client.description },
      after: { domains: updated.scope.domains, towns: updated.scope.towns, description: updated.description },
      disconnected,
    });
    return toIntegrationClientView(updated);
  }

  private find(name: string): IntegrationClient {
    const found = this.repository.find(name);
    if (found === undefined) throw new IntegrationClientNotFoundError(name);
    return found.client;
  }

  private record(actor: string, action: string, name: string, detail: Record<string, unknown>): void {
    this.audit.record({ actor, action, targetType: TARGET_TYPE, targetId: name, detail });
  }
}
