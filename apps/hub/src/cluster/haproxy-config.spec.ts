import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHaproxyConfig } from './haproxy-config';
import { parseNodeList } from './haproxy-node-list';

const nodes = [
  { name: 'hub1', host: '10.0.0.1', mqttProxyPort: 1884, httpPort: 3000 },
  { name: 'hub2', host: 'fd00::2', mqttProxyPort: 1884, httpPort: 3000 },
];

/** The lines of one section (`frontend mqtt`, `backend hub_http`…), without comments. */
function section(config: string, header: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no section ${header}`);
  const end = lines.findIndex((line, index) => index > start && /^\S/.test(line) && !line.startsWith('#'));
  return lines.slice(start + 1, end < 0 ? undefined : end).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

describe('renderHaproxyConfig', () => {
  const config = renderHaproxyConfig({ nodes });

  it('sends MQTT to each node’s proxy port with PROXY v2, least connections, sticky by client id, checked on the liveness endpoint', () => {
    expect(section(config, 'backend hub_mqtt')).toEqual([
      'mode tcp',
      'balance leastconn',
      'timeout server 31m',
      'stick-table type string len 64 size 1000000 expire 31m',
      'stick on req.payload(0,0),mqtt_field_value(connect,client_identifier)',
      'option httpchk GET /api/health/live',
      'http-check expect status 200',
      'default-server inter 2s fall 2 rise 2 on-marked-down shutdown-sessions send-proxy-v2',
      'server hub1 10.0.0.1:1884 check port 3000',
      'server hub2 [fd00::2]:1884 check port 3000',
    ]);
  });

  it('admits only a valid MQTT CONNECT at the MQTT frontend, waiting for it at most 10 s', () => {
    expect(section(config, 'frontend mqtt')).toEqual([
      'mode tcp',
      'bind :1883',
      'option tcplog',
      'timeout client 31m',
      'tcp-request inspect-delay 10s',
      'tcp-request content accept if { req.payload(0,0),mqtt_is_valid }',
      'tcp-request content reject',
      'default_backend hub_mqtt',
    ]);
  });

  it('routes the event stream to a backend with a long server timeout, the rest round-robin with the HTTP timeout', () => {
    expect(section(config, 'frontend http')).toContain('use_backend hub_events if { path /api/events }');
    expect(section(config, 'backend hub_http')).toEqual(expect.arrayContaining(['balance roundrobin', 'timeout server 1m', 'server hub1 10.0.0.1:3000 check']));
    expect(section(config, 'backend hub_events')).toEqual(expect.arrayContaining(['timeout server 1h', 'timeout tunnel 1h', 'server hub2 [fd00::2]:3000 check']));
  });

  it('has a statistics page only when asked', () => {
    expect(config).not.toContain('frontend stats');
    expect(section(renderHaproxyConfig({ nodes, statsBind: { host: '127.0.0.1', port: 8404 } }), 'frontend stats')).toContain('bind 127.0.0.1:8404');
  });

  it.each([
    [{ nodes: [] }, 'no nodes: give at least one hub node'],
    [{ nodes: [nodes[0], nodes[0]] }, 'node name "hub1" given twice: HAProxy needs each server\'s name once'],
    [{ nodes: [{ ...nodes[0], name: 'hub 1' }] }, 'node name "hub 1": letters, digits, dot, dash and underscore, up to 63 characters'],
    [{ nodes: [{ ...nodes[0], host: 'a b' }] }, 'node hub1: host "a b" is not a host name or an IP address'],
    [{ nodes: [{ ...nodes[0], httpPort: 70_000 }] }, 'node hub1: HTTP port 70000 is not a port (1-65535)'],
    [{ nodes, checkIntervalMs: 0 }, 'checkIntervalMs 0: a positive whole number'],
    [{ nodes, resolver: '127.0.0.11' }, 'resolver "127.0.0.11": HOST:PORT of a DNS server, e.g. 127.0.0.11:53 (Docker\'s)'],
  ])('refuses %j', (options, message) => {
    expect(() => renderHaproxyConfig(options)).toThrow(message);
  });
});

describe('docker/haproxy/haproxy.cfg', () => {
  const COMPOSE_ARGS = '--nodes hub1:hub1,hub2:hub2,hub3:hub3 --stats-bind 8404 --resolver 127.0.0.11:53';

  it(`is the configuration the generator renders for compose.cluster.yaml (npm run cluster:haproxy-config -- ${COMPOSE_ARGS})`, () => {
    const committed = readFileSync(join(__dirname, '../../../../docker/haproxy/haproxy.cfg'), 'utf8');
    const rendered = renderHaproxyConfig({
      nodes: parseNodeList('hub1:hub1,hub2:hub2,hub3:hub3', { mqttProxyPort: 1884, httpPort: 3000 }),
      statsBind: { host: '', port: 8404 },
      resolver: '127.0.0.11:53',
      renderedWith: `npm run cluster:haproxy-config -- ${COMPOSE_ARGS}`,
    });
    expect(committed).toBe(rendered);
  });

  it('resolves node names at run time through the given DNS server, a node not found yet waiting in maintenance', () => {
    const config = readFileSync(join(__dirname, '../../../../docker/haproxy/haproxy.cfg'), 'utf8');
    expect(section(config, 'resolvers dns')).toEqual(['nameserver dns1 127.0.0.11:53', 'hold valid 10s', 'accepted_payload_size 8192']);
    expect(section(config, 'backend hub_http')).toContain('default-server inter 2s fall 2 rise 2 resolvers dns init-addr libc,none');
  });
});

describe('parseNodeList', () => {
  it('reads name:host with the default ports, or with its own', () => {
    expect(parseNodeList('hub1:10.0.0.1, hub2:hub2.local:1999:3999,hub3:[fd00::3]', { mqttProxyPort: 1884, httpPort: 3000 })).toEqual([
      { name: 'hub1', host: '10.0.0.1', mqttProxyPort: 1884, httpPort: 3000 },
      { name: 'hub2', host: 'hub2.local', mqttProxyPort: 1999, httpPort: 3999 },
      { name: 'hub3', host: 'fd00::3', mqttProxyPort: 1884, httpPort: 3000 },
    ]);
  });

  it.each(['', 'hub1', 'hub1:fd00::3', 'hub1:h:1:2:3'])('refuses %j naming the format', (text) => {
    expect(() => parseNodeList(text, { mqttProxyPort: 1884, httpPort: 3000 })).toThrow(/name:host\[:mqttProxyPort\[:httpPort\]\]/);
  });
});
