import { LiveCatalogue } from '@hub/catalogue';
import type { Provider } from '@nestjs/common';
import { MqttBroker } from '@hub/broker';
import { IntegrationClientRepository, IntegrationClientsService } from '@hub/integrations';
import { AuditLogRepository, type SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
import { MqttClientsController } from './mqtt-clients.controller';

export const INTEGRATION_CONTROLLERS = [MqttClientsController];

/** MQTT clients of other systems (SCADA, dashboards): their credentials, and ending their sessions when changed. */
export function integrationProviders(): Provider[] {
  return [
    { provide: IntegrationClientRepository, useFactory: (db: SqliteDatabase) => new IntegrationClientRepository(db), inject: [SQLITE_DATABASE] },
    {
      provide: IntegrationClientsService,
      useFactory: (clients: IntegrationClientRepository, audit: AuditLogRepository, broker: MqttBroker, catalogue: LiveCatalogue) =>
        new IntegrationClientsService(clients, audit, catalogue, {
          disconnect: (name) => broker.closeConnections((principal) => principal.kind === 'integration' && principal.name === name),
        }),
      inject: [IntegrationClientRepository, AuditLogRepository, MqttBroker, LiveCatalogue],
    },
  ];
}
