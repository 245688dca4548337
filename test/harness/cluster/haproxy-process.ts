import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port';
import { ServerProcess } from '../server-process';

const HAPROXY = '/usr/sbin/haproxy';

/** One hub node as HAProxy sees it: where it takes PROXY-v2 MQTT (or plain MQTT) and HTTP. */
export interface HaproxyBackend {
  readonly name: string;
  readonly mqttPort: number;
  readonly httpPort: number;
}

export interface HaproxyLayout {
  readonly mqttPort: number;
  readonly httpPort: number;
  readonly backends: readonly HaproxyBackend[];
  /** Open each MQTT connection to a node with a PROXY protocol v2 header (the node's HUB_MQTT_PROXY_PORT). */
  readonly proxyProtocol: boolean;
}

/**
 * The balancer of issue 21 §6 for tests: MQTT in TCP mode, least connections, sticky by the CONNECT's client id;
 * HTTP round robin; both checked against each node's /api/health/live, fast (300 ms, two misses) so that a killed
 * or frozen node is out within a second. A minimal stand-in until c-lb's generator is on main.
 */
export function haproxyConfig(layout: HaproxyLayout): string {
  const check = (backend: HaproxyBackend) => `check port ${backend.httpPort}`;
  return `global
  # FDs: two per connection; a test or bench opens at most a few thousand
  maxconn 4000

defaults
  timeout connect 1s
  timeout client 120s
  timeout server 120s
  # server-sent events and MQTT connections stay open: they are tunnels once established
  timeout tunnel 1h
  timeout check 1s
  timeout http-request 10s
  retries 3
  # a connection the chosen node refuses (it just died) goes to another node, even against stickiness
  option redispatch

frontend mqtt_in
  mode tcp
  bind 127.0.0.1:${layout.mqttPort}
  tcp-request inspect-delay 5s
  tcp-request content reject unless { req.payload(0,0),mqtt_is_valid }
  default_backend mqtt_nodes

backend mqtt_nodes
  mode tcp
  balance leastconn
  stick-table type string len 128 size 100k expire 1h
  stick on req.payload(0,0),mqtt_field_value(connect,client_identifier)
  option httpchk
  http-check send meth GET uri /api/health/live
  http-check expect status 200
  default-server inter 300ms fall 2 rise 2 on-marked-down shutdown-sessions
${layout.backends.map((backend) => `  server ${backend.name} 127.0.0.1:${backend.mqttPort} ${check(backend)}${layout.proxyProtocol ? ' send-proxy-v2' : ''}`).join('\n')}

frontend http_in
  mode http
  bind 127.0.0.1:${layout.httpPort}
  default_backend http_nodes

backend http_nodes
  mode http
  balance roundrobin
  option httpchk
  http-check send meth GET uri /api/health/live
  http-check expect status 200
  default-server inter 300ms fall 2 rise 2
${layout.backends.map((backend) => `  server ${backend.name} 127.0.0.1:${backend.httpPort} check`).join('\n')}
`;
}

/** haproxy in the foreground (-db) on two free ports, with the configuration above. */
export class HaproxyProcess {
  private constructor(
    readonly mqttPort: number,
    readonly httpPort: number,
    readonly dir: string,
    private server: ServerProcess | undefined,
  ) {}

  static async start(backends: readonly HaproxyBackend[], options: { readonly proxyProtocol?: boolean } = {}): Promise<HaproxyProcess> {
    try {
      await access(HAPROXY, constants.X_OK);
    } catch {
      throw new Error(`${HAPROXY} not found: run \`bash scripts/test.sh\`, which installs Debian's haproxy for the cluster tests`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'haproxy-test-'));
    const haproxy = new HaproxyProcess(await freePort(), await freePort(), dir, undefined);
    try {
      const config = join(dir, 'haproxy.cfg');
      await writeFile(config, haproxyConfig({ mqttPort: haproxy.mqttPort, httpPort: haproxy.httpPort, backends, proxyProtocol: options.proxyProtocol ?? true }));
      haproxy.server = await ServerProcess.start({ name: 'haproxy', binary: HAPROXY, args: ['-db', '-f', config], readyTcpPort: haproxy.mqttPort });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return haproxy;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get output(): string {
    return this.server?.output ?? '';
  }

  async cleanup(): Promise<void> {
    try {
      await this.server?.kill();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
