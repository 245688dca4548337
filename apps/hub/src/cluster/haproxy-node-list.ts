import type { HaproxyNode } from './haproxy-config';

/** The ports every node listens on unless its entry says otherwise (as in docker/compose.cluster.yaml). */
export interface NodePortDefaults {
  readonly mqttProxyPort: number;
  readonly httpPort: number;
}

export const NODE_LIST_FORMAT = 'name:host[:mqttProxyPort[:httpPort]], comma-separated (an IPv6 host in brackets: hub3:[fd00::3])';

/**
 * Parses the CLI's `--nodes hub1:10.0.0.1,hub2:10.0.0.2:1884:3000`. Throws naming the entry that does not fit; the
 * names, hosts and ports themselves are checked by renderHaproxyConfig.
 */
export function parseNodeList(text: string, defaults: NodePortDefaults): HaproxyNode[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error(`--nodes is empty: ${NODE_LIST_FORMAT}`);
  return entries.map((entry) => {
    const match = /^([^:]+):(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?(?::(\d+))?$/.exec(entry);
    if (match === null) throw new Error(`--nodes entry ${JSON.stringify(entry)}: expected ${NODE_LIST_FORMAT}`);
    const [, name, host, mqttProxyPort, httpPort] = match;
    return {
      name,
      host: host.replace(/^\[|\]$/g, ''),
      mqttProxyPort: mqttProxyPort === undefined ? defaults.mqttProxyPort : Number(mqttProxyPort),
      httpPort: httpPort === undefined ? defaults.httpPort : Number(httpPort),
    };
  });
}
