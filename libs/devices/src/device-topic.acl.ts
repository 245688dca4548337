import { commandReplyTopic, commandsTopic, configReportedTopic, configTopic, DeviceAddress, isDeviceTopic, statusTopic, telemetryTopic } from '@hub/contract';

/** Whether the device may publish on `topic`: its own telemetry, status, command replies or reported config. */
export function deviceMayPublish(owner: DeviceAddress, topic: string): boolean {
  return (
    isDeviceTopic(owner, topic, 'telemetry') ||
    isDeviceTopic(owner, topic, 'status') ||
    isDeviceTopic(owner, topic, 'commands/reply') ||
    isDeviceTopic(owner, topic, 'config/reported')
  );
}

/** Null when the device may publish on `topic` (see deviceMayPublish), else why not. */
export function devicePublishRefusal(owner: DeviceAddress, topic: string): string | null {
  if (deviceMayPublish(owner, topic)) return null;
  const { domain, deviceId } = owner;
  return `device ${deviceId} may publish only on ${telemetryTopic(domain, deviceId)}, ${statusTopic(domain, deviceId)}, ${commandReplyTopic(domain, deviceId)} and ${configReportedTopic(domain, deviceId)}, not on ${clip(topic)}`;
}

/**
 * Null when the device may subscribe to `filter`, else why not. Exact topics only: a wildcard such as
 * sensors/water/{id}/+ would also match its own telemetry, and `#` everybody's.
 */
export function deviceSubscriptionRefusal(owner: DeviceAddress, filter: string): string | null {
  if (deviceMayReceive(owner, filter)) return null;
  const { domain, deviceId } = owner;
  return `device ${deviceId} may subscribe only to ${commandsTopic(domain, deviceId)} and ${configTopic(domain, deviceId)}, not to ${clip(filter)}`;
}

export function deviceMayReceive(owner: DeviceAddress, topic: string): boolean {
  return isDeviceTopic(owner, topic, 'commands') || isDeviceTopic(owner, topic, 'config');
}

/** Topics come from the client: keep what is logged and stored short. */
function clip(topic: string): string {
  return topic.length > 128 ? `${topic.slice(0, 128)}…` : topic;
}
