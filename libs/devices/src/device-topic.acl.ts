import type { Domain } from '../../contract/src/metric-catalogue';
import { commandsTopic, configTopic, statusTopic, telemetryTopic } from '../../contract/src/telemetry-topic';

/** The four topics of one device: two it publishes on, two it subscribes to. */
export interface DeviceTopics {
  readonly telemetry: string;
  readonly status: string;
  readonly commands: string;
  readonly config: string;
}

export function deviceTopics(domain: Domain, deviceId: string): DeviceTopics {
  return {
    telemetry: telemetryTopic(domain, deviceId),
    status: statusTopic(domain, deviceId),
    commands: commandsTopic(domain, deviceId),
    config: configTopic(domain, deviceId),
  };
}

/** Null when the device may publish on `topic` (its own telemetry or status), else why not. */
export function devicePublishRefusal(deviceId: string, topics: DeviceTopics, topic: string): string | null {
  if (topic === topics.telemetry || topic === topics.status) return null;
  return `device ${deviceId} may publish only on ${topics.telemetry} and ${topics.status}, not on ${clip(topic)}`;
}

/**
 * Null when the device may subscribe to `filter`, else why not. Exact topics only: a wildcard such as
 * sensors/water/{id}/+ would also match its own telemetry, and `#` everybody's.
 */
export function deviceSubscriptionRefusal(deviceId: string, topics: DeviceTopics, filter: string): string | null {
  if (filter === topics.commands || filter === topics.config) return null;
  return `device ${deviceId} may subscribe only to ${topics.commands} and ${topics.config}, not to ${clip(filter)}`;
}

export function deviceMayReceive(topics: DeviceTopics, topic: string): boolean {
  return topic === topics.commands || topic === topics.config;
}

/** Topics come from the client: keep what is logged and stored short. */
function clip(topic: string): string {
  return topic.length > 128 ? `${topic.slice(0, 128)}…` : topic;
}
