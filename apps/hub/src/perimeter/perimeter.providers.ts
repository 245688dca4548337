import { Logger, Provider } from '@nestjs/common';
import type { Client } from 'aedes';
import { Registry } from 'prom-client';
import { MqttBroker } from '../../../../libs/broker/src/mqtt-broker';
import type { HubConfig } from '../../../../libs/config/src';
import { IntegrationAccessPolicy } from '../../../../libs/integrations/src/integration-access.policy';
import { IntegrationClientRepository } from '../../../../libs/integrations/src/integration-client.repository';
import { IntegrationClientsService } from '../../../../libs/integrations/src/integration-clients.service';
import { IntegrationFirstAccess } from '../../../../libs/integrations/src/integration-first.access';
import { MqttPerimeter } from '../../../../libs/perimeter/src/mqtt-perimeter';
import { AuditLogRepository } from '../../../../libs/store/src/audit-log.repository';
import type { SqliteDatabase } from '../../../../libs/store/src';
import { SQLITE_DATABASE } from '../hub.tokens';
import { registerPerimeterMetrics } from './perimeter-metrics';

/** The broker's access decisions (BrokerAccess): integration clients now; the device registry's policy plugs in beside them. */
export const BROKER_ACCESS = Symbol('BROKER_ACCESS');

/** Integration MQTT clients, the broker's access decisions and its perimeter (rate limits, back-off), with their metrics. */
export function perimeterProviders(config: HubConfig): Provider[] {
  return [
    { provide: IntegrationClientRepository, useFactory: (db: SqliteDatabase) => new IntegrationClientRepository(db), inject: [SQLITE_DATABASE] },
    {
      provide: BROKER_ACCESS,
      // Towns come from the device registry; until it is merged no device has a town, so a town-scoped client receives nothing.
      useFactory: (clients: IntegrationClientRepository) => new IntegrationFirstAccess(new IntegrationAccessPolicy(clients, () => null), null),
      inject: [IntegrationClientRepository],
    },
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
      useFactory: (clients: IntegrationClientRepository, db: SqliteDatabase, broker: MqttBroker) =>
        new IntegrationClientsService(clients, new AuditLogRepository(db), {
          disconnect: (name) => broker.closeConnections((principal) => principal.kind === 'integration' && principal.name === name),
        }),
      inject: [IntegrationClientRepository, SQLITE_DATABASE, MqttBroker],
    },
  ];
}
