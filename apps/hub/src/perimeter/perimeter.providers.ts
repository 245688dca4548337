import { Logger, Provider } from '@nestjs/common';
import type { Client } from 'aedes';
import { Registry } from 'prom-client';
import { MqttBroker } from '@hub/broker';
import type { HubConfig } from '@hub/config';
import { IntegrationClientRepository, IntegrationClientsService } from '@hub/integrations';
import { MqttPerimeter } from '@hub/perimeter';
import { AuditLogRepository, type SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
import { registerPerimeterMetrics } from './perimeter-metrics';

/** Integration MQTT clients and the broker's perimeter (rate limits, back-off), with their metrics. */
export function perimeterProviders(config: HubConfig): Provider[] {
  return [
    { provide: IntegrationClientRepository, useFactory: (db: SqliteDatabase) => new IntegrationClientRepository(db), inject: [SQLITE_DATABASE] },
    {
      provide: MqttPerimeter,
      useFactory: (registry: Registry) => {
        const perimeter = new MqttPerimeter<Client>(config.perimeter, new Logger('MqttPerimeter'));
        registerPerimeterMetrics(registry, perimeter);
        return perimeter;
      },
      inject: [Registry],
    },
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
