import { LiveCatalogue } from '@hub/catalogue';
import type { Provider } from '@nestjs/common';
import { MqttBroker, SessionRevocations } from '@hub/broker';
import type { MqttPrincipal } from '@hub/access';
import { IntegrationClientRepository, IntegrationClientsService, IntegrationCredentialCache } from '@hub/integrations';
import { AuditLogRepository, Store } from '@hub/store';
import { MqttClientsController } from './mqtt-clients.controller';

export const INTEGRATION_CONTROLLERS = [MqttClientsController];

/** MQTT clients of other systems (SCADA, dashboards): their credentials, and ending their sessions when changed. */
export function integrationProviders(): Provider[] {
  const ofClient = (name: string) => (principal: MqttPrincipal) => principal.kind === 'integration' && principal.name === name;
  return [
    { provide: IntegrationClientRepository, useFactory: (store: Store) => new IntegrationClientRepository(store), inject: [Store] },
    {
      // Read whole before the broker starts: a CONNECT is answered from memory (device.providers.ts).
      provide: IntegrationCredentialCache,
      useFactory: async (repository: IntegrationClientRepository) => {
        const cache = new IntegrationCredentialCache(repository);
        await cache.load();
        return cache;
      },
      inject: [IntegrationClientRepository],
    },
    {
      provide: IntegrationClientsService,
      useFactory: (store: Store, clients: IntegrationClientRepository, credentials: IntegrationCredentialCache, audit: AuditLogRepository, broker: MqttBroker, catalogue: LiveCatalogue, revocations: SessionRevocations) =>
        new IntegrationClientsService(store, clients, credentials, audit, catalogue, {
          count: (name) => broker.countConnections(ofClient(name)),
          // Here and on every other node (the count is this node's).
          disconnect: (name) => revocations.disconnectIntegration(name),
        }),
      inject: [Store, IntegrationClientRepository, IntegrationCredentialCache, AuditLogRepository, MqttBroker, LiveCatalogue, SessionRevocations],
    },
  ];
}
