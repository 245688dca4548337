import type { IntegrationClientView } from '@hub/api-types';
export { isIntegrationUsername } from '@hub/access';
import type { AccessScope } from '@hub/access';

/**
 * A department or integration system's MQTT identity (the water SCADA, the county GIS). Its name always holds a dot,
 * e.g. `water.scada`, so it can never be mistaken for a device: device ids are `[A-Za-z0-9_-]`. Lower case only, so
 * `Water.SCADA` cannot sit beside `water.scada`.
 */
export const INTEGRATION_CLIENT_NAME_PATTERN = /^(?=.{3,64}$)[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)+$/;
export const INTEGRATION_CLIENT_NAME_TEXT = 'lower-case words of a-z, 0-9, _ and - joined by dots, 3–64 characters, e.g. water.scada';

export interface IntegrationClient {
  readonly name: string;
  /** Domains and towns it may read; empty lists mean all. */
  readonly scope: AccessScope;
  readonly description: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  /** When its current secret was issued; null once revoked. */
  readonly secretIssuedAt: number | null;
  readonly revokedAt: number | null;
}

/** What the API shows (never the secret or its hash): the shape of @hub/api-types. */
export type { IntegrationClientView };

export function toIntegrationClientView(client: IntegrationClient): IntegrationClientView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    name: client.name,
    domains: client.scope.domains,
    towns: client.scope.towns,
    description: client.description,
    active: client.secretIssuedAt !== null,
    createdAt: new Date(client.createdAt).toISOString(),
    createdBy: client.createdBy,
    updatedAt: new Date(client.updatedAt).toISOString(),
    secretIssuedAt: iso(client.secretIssuedAt),
    revokedAt: iso(client.revokedAt),
  };
}
