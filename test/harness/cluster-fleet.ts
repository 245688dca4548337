import { DeviceSimulator, SentReading, SimulationOptions } from '@hub/devices-sim';
import type { ClusterProcess } from './cluster-process';
import { provisioned } from './provision';
import { waitFor } from './wait-for';

/**
 * Simulated devices of a cluster test: provisioned through the first node's API (the nodes share the database), then
 * connecting through HAProxy unless `url` says otherwise, QoS 1, persistent sessions, every reading recorded.
 */
export async function clusterFleet(cluster: ClusterProcess, options: Omit<SimulationOptions, 'url'> & { readonly url?: string }): Promise<DeviceSimulator> {
  const simulation = await provisioned(cluster.nodes[0], {
    qos: 1,
    clean: false,
    reconnectPeriodMs: 300,
    drainTimeoutMs: 30_000,
    recordReadings: true,
    ...options,
    url: options.url ?? cluster.mqttUrl,
  });
  await untilEveryNodeKnows(cluster, [...(simulation.credentials?.keys() ?? [])]);
  return new DeviceSimulator(simulation);
}

/**
 * Waits until every running node's device registry (an in-memory cache, reread when another node's commit is
 * announced on the bus) serves these devices: a device provisioned through one node and connecting to another in
 * the same millisecond could otherwise be refused, which is not the fault a test is about.
 */
export async function untilEveryNodeKnows(cluster: ClusterProcess, deviceIds: readonly string[]): Promise<void> {
  const running = cluster.nodes.filter((_, index) => cluster.running(index));
  const unknown = async (): Promise<string[]> => {
    const missing: string[] = [];
    for (const node of running) {
      for (let start = 0; start < deviceIds.length; start += 50) {
        const answers = await Promise.all(deviceIds.slice(start, start + 50).map(async (id) => [id, (await node.get(`/api/devices/${encodeURIComponent(id)}`)).status] as const));
        missing.push(...answers.filter(([, status]) => status !== 200).map(([id]) => id));
      }
    }
    return missing;
  };
  await waitFor(unknown, (missing) => missing.length === 0, 10_000, 'every node to know the devices just provisioned');
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

/** How many times HAProxy's health checks took each node out of the MQTT backend (its `chkdown`), by node id. */
export async function timesMarkedDown(cluster: ClusterProcess): Promise<Record<string, number>> {
  const [header, ...rows] = (await (await fetch(`${cluster.haproxy.statsUrl};csv`)).text()).trim().split('\n').map((line) => line.split(','));
  const column = header.map((name) => name.replace(/^# /, '')).indexOf('chkdown');
  return Object.fromEntries(rows.filter((row) => row[0] === 'hub_mqtt' && row[1].startsWith('node-')).map((row) => [row[1], Number(row[column])]));
}
