import { Logger, type Provider } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { ContactPointSender } from '@hub/notify';
import { OperatorDirectory } from '@hub/access';
import { AuditLogRepository, Store } from '@hub/store';
import { StoredMessageTemplates } from '../notification-templates/stored-message-templates';
import { ContactPointDeliveryRepository } from './contact-point-delivery.repository';
import { ContactPointDirectory } from './contact-point.directory';
import { ContactPointRepository } from './contact-point.repository';
import { ContactPointsController } from './contact-points.controller';
import { ContactPointsNotifier } from './contact-points.notifier';
import { ContactPointsService } from './contact-points.service';
import { PersonalNotificationsController } from './personal-notifications.controller';
import { PersonalNotificationsRepository } from './personal-notifications.repository';
import { PersonalNotificationsService } from './personal-notifications.service';

export const CONTACT_POINT_CONTROLLERS = [ContactPointsController, PersonalNotificationsController];

/** Contact points: their table and its in-memory directory, the delivery log, the sender that renders and sends one alert change. */
export function contactPointProviders(config: HubConfig): Provider[] {
  return [
    { provide: ContactPointRepository, useFactory: (store: Store) => new ContactPointRepository(store), inject: [Store] },
    {
      provide: ContactPointDirectory,
      useFactory: async (repository: ContactPointRepository) => {
        const directory = new ContactPointDirectory(repository);
        await directory.load();
        return directory;
      },
      inject: [ContactPointRepository],
    },
    { provide: ContactPointDeliveryRepository, useFactory: (store: Store) => new ContactPointDeliveryRepository(store), inject: [Store] },
    {
      provide: ContactPointSender,
      useFactory: (templates: StoredMessageTemplates) =>
        new ContactPointSender({ publicUrl: config.http.publicUrl, timeoutMs: config.alerts.contactPointTimeoutMs, language: config.alerts.notifyLanguage, templates, timeZone: config.timeZone }),
      inject: [StoredMessageTemplates],
    },
    {
      provide: ContactPointsService,
      useFactory: (store: Store, repository: ContactPointRepository, directory: ContactPointDirectory, deliveries: ContactPointDeliveryRepository, audit: AuditLogRepository, sender: ContactPointSender) =>
        new ContactPointsService(store, repository, directory, deliveries, audit, sender, new Logger(ContactPointsService.name)),
      inject: [Store, ContactPointRepository, ContactPointDirectory, ContactPointDeliveryRepository, AuditLogRepository, ContactPointSender],
    },
    {
      provide: PersonalNotificationsService,
      // Operators are read synchronously there (the router's personalRecipients): from the in-memory directory.
      useFactory: async (store: Store, operators: OperatorDirectory, audit: AuditLogRepository) => {
        const personal = new PersonalNotificationsService(store, new PersonalNotificationsRepository(store), operators, audit);
        await personal.load();
        return personal;
      },
      inject: [Store, OperatorDirectory, AuditLogRepository],
    },
    ContactPointsNotifier,
  ];
}
