import type { Provider } from '@nestjs/common';
import { AlertEngine, toAlertView } from '@hub/alerts';
import type { HubConfig } from '@hub/config';
import { AuditLogRepository, Store } from '@hub/store';
import { NotificationTemplateRepository } from './notification-template.repository';
import { NotificationTemplatesController } from './notification-templates.controller';
import { type AlertLookup, NotificationTemplatesService } from './notification-templates.service';
import { StoredMessageTemplates } from './stored-message-templates';

export const NOTIFICATION_TEMPLATE_CONTROLLERS = [NotificationTemplatesController];

/** Message templates: the overrides' table, the source the contact point sender reads, and the admin service. */
export function notificationTemplateProviders(config: HubConfig): Provider[] {
  return [
    { provide: NotificationTemplateRepository, useFactory: (store: Store) => new NotificationTemplateRepository(store), inject: [Store] },
    {
      provide: StoredMessageTemplates,
      useFactory: async (repository: NotificationTemplateRepository) => {
        const stored = new StoredMessageTemplates(repository);
        await stored.load();
        return stored;
      },
      inject: [NotificationTemplateRepository],
    },
    {
      provide: NotificationTemplatesService,
      useFactory: (store: Store, repository: NotificationTemplateRepository, stored: StoredMessageTemplates, audit: AuditLogRepository, engine: AlertEngine) =>
        new NotificationTemplatesService(store, repository, stored, audit, alertLookup(engine), config.http.publicUrl, config.timeZone),
      inject: [Store, NotificationTemplateRepository, StoredMessageTemplates, AuditLogRepository, AlertEngine],
    },
  ];
}

/** A stored alert as its latest change (its last history event), checked against the caller's scope by the workflow. */
function alertLookup(engine: AlertEngine): AlertLookup {
  return async (alertId, by) => {
    const alert = toAlertView(await engine.workflow.get(alertId, by));
    const last = (await engine.workflow.history(alertId, by)).at(-1);
    return { event: last?.kind ?? 'fired', at: new Date(last?.at ?? Date.now()).toISOString(), actor: last?.actor ?? 'system', note: last?.note ?? null, alert };
  };
}
