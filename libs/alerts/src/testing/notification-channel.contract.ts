/// <reference types="jest" />
// A test suite shipped for the channels to run; the build compiles it, so it names its types.
import { type AlertNotification, toAlertView } from '../lifecycle/alert.view';
import { NotificationChannel, NotificationDeliveryError } from '../notifications/notification-channel';
import { anAlert } from './alert-fixtures';

/** What the receiving end took: where it arrived (with how, e.g. QoS or headers) and the body as sent. */
export interface ReceivedNotification {
  readonly address: string;
  readonly body: string;
}

/** A way the receiver can fail, and exactly how the channel must reject while it does. */
export interface ReceiverFailure {
  readonly name: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  readonly error: { readonly retryable: boolean; readonly message: string };
}

export interface NotificationChannelHarness {
  readonly channel: NotificationChannel;
  /** The same channel built again from the same configuration, as after a restart. */
  rebuild(): NotificationChannel;
  /** What the receiver took since the last call, oldest first. */
  takeReceived(): ReceivedNotification[];
  /** Where (and how) this notification must arrive. */
  addressOf(notification: AlertNotification): string;
  /** Each way this channel's receiver fails (every channel has at least one). */
  readonly failures: readonly ReceiverFailure[];
  /** Text of the configuration that must never show in a key or label (a token in a URL). */
  readonly secrets: readonly string[];
  cleanup(): Promise<void>;
}

export function aNotification(eventId: number, overrides: Partial<AlertNotification> = {}): AlertNotification {
  return {
    eventId,
    event: 'fired',
    at: '2026-01-15T12:00:01.000Z',
    actor: 'system',
    note: null,
    previousState: null,
    alert: toAlertView(anAlert({ id: eventId })),
    ...overrides,
  };
}

const parsed = (received: ReceivedNotification[]) => received.map(({ address, body }) => ({ address, body: JSON.parse(body) as unknown }));

async function deliveryError(delivery: Promise<void>): Promise<NotificationDeliveryError> {
  const error: unknown = await delivery.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NotificationDeliveryError);
  return error as NotificationDeliveryError;
}

/** What every NotificationChannel must do (MQTT.js's abstractStoreTest pattern); differences are the harness's data. */
export function describeNotificationChannelContract(name: string, build: () => Promise<NotificationChannelHarness>): void {
  describe(`${name}: NotificationChannel contract`, () => {
    let harness: NotificationChannelHarness;

    beforeAll(async () => {
      harness = await build();
    });
    afterAll(async () => {
      await harness?.cleanup();
    });
    beforeEach(() => {
      harness.takeReceived();
    });

    it('keeps the same key across a rebuild, and no secret of its configuration in key or label', () => {
      const { key, label } = harness.channel;
      expect(harness.rebuild()).toMatchObject({ key, label });
      for (const text of [key, label]) {
        expect(text).toMatch(/^[\w:.-]+$/);
        for (const secret of harness.secrets) expect(text).not.toContain(secret);
      }
    });

    it('resolves once the receiver took the notification, which arrives once, as its JSON, where it belongs', async () => {
      const notification = aNotification(42);
      await harness.channel.deliver(notification);
      expect(parsed(harness.takeReceived())).toEqual([{ address: harness.addressOf(notification), body: notification }]);
    });

    it('carries every notified event kind, and a note with quotes, newlines and non-ASCII, unchanged and in order', async () => {
      const notifications = [
        aNotification(1),
        aNotification(2, { event: 'acknowledged', actor: 'ada', note: 'on it — "crew 3"\nETA 20 min, Åsa\u0000', previousState: 'firing' }),
        aNotification(3, { event: 'flapping', previousState: 'acknowledged' }),
        aNotification(4, { event: 'flapping-ended', previousState: 'acknowledged' }),
        aNotification(5, { event: 'resolved', actor: 'ada', previousState: 'acknowledged', alert: toAlertView(anAlert({ id: 5, domain: 'water', severity: 'warning', deviceId: 'w_9-x' })) }),
        aNotification(6, { event: 'reopened', previousState: 'resolved' }),
      ];
      for (const notification of notifications) await harness.channel.deliver(notification);
      expect(parsed(harness.takeReceived())).toEqual(notifications.map((notification) => ({ address: harness.addressOf(notification), body: notification })));
    });

    it('delivers concurrent notifications each exactly once', async () => {
      const notifications = Array.from({ length: 12 }, (_, index) => aNotification(100 + index));
      await Promise.all(notifications.map((notification) => harness.channel.deliver(notification)));
      const received = parsed(harness.takeReceived()).sort((a, b) => (a.body as AlertNotification).eventId - (b.body as AlertNotification).eventId);
      expect(received).toEqual(notifications.map((notification) => ({ address: harness.addressOf(notification), body: notification })));
    });

    it('has at least one way to fail', () => {
      expect(harness.failures.length).toBeGreaterThan(0);
    });

    it('rejects with NotificationDeliveryError, retryable as documented, for each way its receiver fails; delivers again once it recovers', async () => {
      for (const failure of harness.failures) {
        await failure.begin();
        try {
          const error = await deliveryError(harness.channel.deliver(aNotification(7)));
          expect({ failure: failure.name, retryable: error.retryable, message: error.message }).toEqual({ failure: failure.name, ...failure.error });
        } finally {
          await failure.end();
        }
        harness.takeReceived();
        const notification = aNotification(8);
        await harness.channel.deliver(notification);
        expect(parsed(harness.takeReceived())).toEqual([{ address: harness.addressOf(notification), body: notification }]);
      }
    });
  });
}
