/** An integration system's MQTT identity as /api/mqtt-clients shows it: never the secret or its hash. */
export interface IntegrationClientView {
  readonly name: string;
  readonly domains: readonly string[];
  readonly towns: readonly string[];
  readonly description: string;
  /** False once its secret is revoked: it cannot connect until a new secret is issued. */
  readonly active: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly secretIssuedAt: string | null;
  readonly revokedAt: string | null;
}

/** A client with its secret: the only time the secret is ever shown. */
export interface IssuedIntegrationClient {
  readonly client: IntegrationClientView;
  readonly secret: string;
}
