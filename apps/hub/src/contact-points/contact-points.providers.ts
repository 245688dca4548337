import { Logger, type Provider } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { ContactPointSender } from '@hub/notify';
import { SqliteOperatorLookup } from '@hub/access';
import { AuditLogRepository, type SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
import { StoredMessageTemplates } from '../notification-templates/stored-message-templates';
import { ContactPointDeliveryRepository } from './contact-point-delivery.repository';
import { ContactPointRepository } from './contact-point.repository';
import { ContactPointsController } from './contact-points.controller';
import { ContactPointsNotifier } from './contact-points.notifier';
import { ContactPointsService } from './contact-points.service';
import { PersonalNotificationsController } from './personal-notifications.controller';
import { PersonalNotificationsRepository } from './personal-notifications.repository';
import { PersonalNotificationsService } from './personal-notifications.service';

export const CONTACT_POINT_CONTROLLERS = [ContactPointsController, PersonalNotificationsController];

/** Contact points: their table, the delivery log, the sender that renders and sends one alert change. */
export function contactPointProviders(config: HubConfig): Provider[] {
  return [
    { provide: ContactPointRepository, useFactory: (db: SqliteDatabase) => new ContactPointRepository(db), inject: [SQLITE_DATABASE] },
    { provide: ContactPointDeliveryRepository, useFactory: (db: SqliteDatabase) => new ContactPointDeliveryRepository(db), inject: [SQLITE_DATABASE] },
    {
      provide: ContactPointSender,
      useFactory: (templates: StoredMessageTemplates) =>
        new ContactPointSender({ publicUrl: config.http.publicUrl, timeoutMs: config.alerts.contactPointTimeoutMs, language: config.alerts.notifyLanguage, templates, timeZone: config.timeZone }),
      inject: [StoredMessageTemplates],
    },
    {
      provide: ContactPointsService,
      useFactory: (repository: ContactPointRepository, deliveries: ContactPointDeliveryRepository, audit: AuditLogRepository, sender: ContactPointSender) =>
        new ContactPointsService(repository, deliveries, audit, sender, new Logger(ContactPointsService.name)),
      inject: [ContactPointRepository, ContactPointDeliveryRepository, AuditLogRepository, ContactPointSender],
    },
    {
      provide: PersonalNotificationsService,
      // Operators are read synchronously there (the router's personalRecipients): see SqliteOperatorLookup.
      useFactory: (db: SqliteDatabase, audit: AuditLogRepository) => new PersonalNotificationsService(new PersonalNotificationsRepository(db), new SqliteOperatorLookup(db), audit),
      inject: [SQLITE_DATABASE, AuditLogRepository],
    },
    ContactPointsNotifier,
  ];
}
