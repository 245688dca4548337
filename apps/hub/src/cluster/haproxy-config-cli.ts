import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderHaproxyConfig, type HaproxyBind } from './haproxy-config';
import { NODE_LIST_FORMAT, parseNodeList } from './haproxy-node-list';

const USAGE = `Usage: npm run cluster:haproxy-config -- --nodes hub1:10.0.0.1,hub2:10.0.0.2[,…] [options]

Writes the HAProxy 2.6 configuration for a cluster of hub nodes (docs/cluster.md): MQTT in TCP mode with least
connections, sticky by MQTT client id, PROXY protocol v2 to each node's HUB_MQTT_PROXY_PORT; HTTP round-robin with
a long timeout for the console's event stream; every node checked on GET /api/health/live at its HTTP port.

  --nodes LIST            ${NODE_LIST_FORMAT}
  --mqtt-proxy-port N     the nodes' HUB_MQTT_PROXY_PORT where an entry gives none (default 1884)
  --http-port N           the nodes' HUB_HTTP_PORT where an entry gives none (default 3000)
  --mqtt-bind [HOST:]PORT where devices connect (default 1883)
  --http-bind [HOST:]PORT where the console and API clients connect (default 3000)
  --stats-bind [HOST:]PORT HAProxy's statistics page at /stats (default: none)
  --check-interval MS     health check period (default 2000; a node is out after 2 failed checks, in after 2 good)
  --resolver HOST:PORT    resolve node names with this DNS server while running (127.0.0.11:53 under Docker compose)
  --max-connections N     connections HAProxy holds at once (default 50000; needs ulimit -n of about twice that)
  --out FILE              write there instead of standard output`;

function main(): number {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 64;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config: string;
  try {
    if (values.nodes === undefined) throw new Error('Say which nodes: --nodes hub1:10.0.0.1,…');
    const nodes = parseNodeList(values.nodes, { mqttProxyPort: port(values['mqtt-proxy-port'] ?? '1884', '--mqtt-proxy-port'), httpPort: port(values['http-port'] ?? '3000', '--http-port') });
    config = renderHaproxyConfig({
      nodes,
      mqttBind: bindOption(values['mqtt-bind'] ?? '1883', '--mqtt-bind'),
      httpBind: bindOption(values['http-bind'] ?? '3000', '--http-bind'),
      statsBind: values['stats-bind'] === undefined ? null : bindOption(values['stats-bind'], '--stats-bind'),
      checkIntervalMs: values['check-interval'] === undefined ? undefined : wholeNumber(values['check-interval'], '--check-interval'),
      resolver: values.resolver ?? null,
      maxConnections: values['max-connections'] === undefined ? undefined : wholeNumber(values['max-connections'], '--max-connections'),
      renderedWith: renderedWith(process.argv.slice(2)),
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 64;
  }
  if (values.out === undefined) process.stdout.write(config);
  else writeFileSync(values.out, config);
  return 0;
}

function parse() {
  return parseArgs({
    options: {
      nodes: { type: 'string' },
      'mqtt-proxy-port': { type: 'string' },
      'http-port': { type: 'string' },
      'mqtt-bind': { type: 'string' },
      'http-bind': { type: 'string' },
      'stats-bind': { type: 'string' },
      'check-interval': { type: 'string' },
      resolver: { type: 'string' },
      'max-connections': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

/** The command line as a reader would type it again, without where the file was written. */
function renderedWith(args: readonly string[]): string {
  const kept: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    if (args[index] === '--out') index += 1;
    else if (!args[index].startsWith('--out=')) kept.push(args[index]);
  }
  return ['npm run cluster:haproxy-config --', ...kept].join(' ');
}

function wholeNumber(text: string, option: string): number {
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new Error(`${option} ${JSON.stringify(text)}: a whole number above 0`);
  return Number(text);
}

function port(text: string, option: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new Error(`${option} ${JSON.stringify(text)}: a port number`);
  return Number(text);
}

/** `1883`, `:1883`, `0.0.0.0:1883` or `[::]:1883`. */
function bindOption(text: string, option: string): HaproxyBind {
  const match = /^(?:(\[[^\]]+\]|[^:[\]]*):)?(\d{1,5})$/.exec(text);
  if (match === null) throw new Error(`${option} ${JSON.stringify(text)}: [HOST:]PORT`);
  return { host: match[1] ?? '', port: Number(match[2]) };
}

process.exitCode = main();
