import type { AlertDeliveryView, AlertView } from '@hub/api-types';
import { alertsOf, call, createRule, ScriptedDevice } from './alerts-api';
import type { HubProcess } from './hub-process';
import { provisionDevice } from './provision';
import type { ScriptedWebhookReceiver } from './scripted-webhook-receiver';
import { waitFor } from './wait-for';

/** The duty officer's webhook answers 503 once, then takes the message; the town office's takes it at once. */
export const FLAKY = 'duty-officer-webhook';
export const STEADY = 'ashford-office-webhook';
export const BUSY_ANSWER = 'receiver busy: queue full, try again later';

/**
 * One gas critical in Ashford routed to two webhook contact points, the first of which refuses the first attempt
 * with a retryable 503: set up through the API, driven by MQTT readings, waited for until both have the message.
 * Returns the alert and its notifications as the API then shows them.
 */
export async function flakyDelivery(hub: HubProcess, receiver: ScriptedWebhookReceiver, deviceId: string): Promise<{ alert: AlertView; log: AlertDeliveryView[] }> {
  receiver.script.set(FLAKY, [{ status: 503, body: BUSY_ANSWER }]);
  for (const name of [FLAKY, STEADY]) {
    const created = await call(hub, 'POST', '/api/contact-points', { name, kind: 'webhook', settings: { url: receiver.urlOf(name) } });
    if (created.status !== 201) throw new Error(`contact point ${name} refused (${created.status}): ${JSON.stringify(created.body)}`);
  }
  const tree = await call(hub, 'PUT', '/api/notification-policies', {
    contactPoints: [],
    routes: [{ matchers: { domains: ['gas'], severities: ['critical'] }, contactPoints: [FLAKY, STEADY], groupWaitMs: 0, repeatIntervalMs: 0 }],
  });
  if (tree.status !== 200) throw new Error(`tree refused (${tree.status}): ${JSON.stringify(tree.body)}`);
  await createRule(hub, {
    id: 'methane-delivery',
    name: 'Methane at or above 20 %LEL',
    severity: 'critical',
    selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds: [deviceId] },
    evaluateEvery: '1s',
    condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s' },
  });
  await provisionDevice(hub, deviceId, 'gas', { town: 'Ashford' });
  const device = await ScriptedDevice.connect(hub, 'gas', deviceId);
  await device.report({ methane_pct_lel: 35 }, 3, 300);
  await device.close();
  const [alert] = await waitFor(() => alertsOf(hub, 'rule=methane-delivery'), (alerts) => alerts.length === 1, 15_000, 'the methane alert');
  const log = await waitFor(
    async () => (await call<AlertDeliveryView[]>(hub, 'GET', `/api/alerts/${alert.id}/notifications`)).body,
    (entries) => [FLAKY, STEADY].every((name) => entries.some((entry) => entry.contactPoint === name && entry.outcome === 'sent')),
    20_000,
    'both contact points to have the message',
  );
  return { alert, log };
}
