import { type AlertNotification, alertTopic } from '../lifecycle/alert.view';
import { NotificationChannel, NotificationDeliveryError } from './notification-channel';

/** Publishes a message from the service itself on the embedded broker (MqttBroker.publish). */
export type ServicePublish = (topic: string, payload: string, qos: 0 | 1, retain: boolean) => Promise<void>;

/**
 * Every alert state change on `alerts/{domain}/{severity}/{deviceId}`, QoS 1, so other departments' systems can
 * subscribe with a wildcard (`alerts/gas/#`, `alerts/+/critical/+`). Not retained: several rules can alert on one
 * device with the same severity, and a retained message would show only the last of them; current state is on the
 * REST API.
 */
export class MqttAlertChannel implements NotificationChannel {
  readonly key = 'mqtt';
  readonly label = 'mqtt';

  constructor(private readonly publish: ServicePublish) {}

  async deliver(notification: AlertNotification): Promise<void> {
    try {
      await this.publish(alertTopic(notification.alert), JSON.stringify(notification), 1, false);
    } catch (error) {
      // The broker not being started (yet, or any more) is the usual cause: worth retrying.
      throw new NotificationDeliveryError(`MQTT publish failed: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
    }
  }
}
