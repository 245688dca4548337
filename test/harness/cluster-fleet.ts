import { DeviceSimulator, SentReading, SimulationOptions } from '@hub/devices-sim';
import type { ClusterProcess } from './cluster-process';
import { provisioned } from './provision';

/**
 * Simulated devices of a cluster test: provisioned through the first node's API (the nodes share the database), then
 * connecting through HAProxy unless `url` says otherwise, QoS 1, persistent sessions, every reading recorded.
 */
export async function clusterFleet(cluster: ClusterProcess, options: Omit<SimulationOptions, 'url'> & { readonly url?: string }): Promise<DeviceSimulator> {
  return new DeviceSimulator(
    await provisioned(cluster.nodes[0], {
      qos: 1,
      clean: false,
      reconnectPeriodMs: 300,
      drainTimeoutMs: 30_000,
      recordReadings: true,
      ...options,
      url: options.url ?? cluster.mqttUrl,
    }),
  );
}

/** `${deviceId}@${ts}` of the readings acknowledged so far. */
export function acknowledgedKeys(readings: readonly SentReading[] | undefined): Set<string> {
  return new Set((readings ?? []).filter((reading) => reading.acked).map((reading) => `${reading.deviceId}@${reading.ts}`));
}

/** Per device, how many of its readings were acknowledged that are not in `before`. */
export function acknowledgedSince(readings: readonly SentReading[] | undefined, before: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const reading of readings ?? []) {
    if (!counts.has(reading.deviceId)) counts.set(reading.deviceId, 0);
    if (reading.acked && !before.has(`${reading.deviceId}@${reading.ts}`)) counts.set(reading.deviceId, (counts.get(reading.deviceId) ?? 0) + 1);
  }
  return counts;
}

/** Connected MQTT clients of each node (from /api/health; null for a node that does not answer). */
export async function connectedClients(cluster: ClusterProcess): Promise<Array<number | null>> {
  return Promise.all(
    cluster.nodes.map(async (node, index) => {
      if (!cluster.running(index)) return null;
      try {
        return (await node.get<{ broker: { connectedClients: number } }>('/api/health')).body.broker.connectedClients;
      } catch {
        return null;
      }
    }),
  );
}
