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
      useFactory: (clients: IntegrationClientRepository, audit: AuditLogRepository, broker: MqttBroker) =>
        new IntegrationClientsService(clients, audit, {
          disconnect: (name) => broker.closeConnections((principal) => principal.kind === 'integration' && principal.name === name),
        }),
      inject: [IntegrationClientRepository, AuditLogRepository, MqttBroker],
    },
  ];
}
