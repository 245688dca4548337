import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { parseDuration } from '@hub/common';
import { ConfigError, ConfigReader } from './env-parsers';

/** A sustained rate with a burst on top: `perSecond` tokens flow in, at most `burst` are held. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** When an address that keeps failing MQTT logins is refused without its credentials being looked at. */
export interface LoginBackoffSettings {
  /** Refused logins from one address within `windowMs` that put it in back-off. */
  readonly failures: number;
  readonly windowMs: number;
  /** How long the address is then refused without its credentials being looked at. */
  readonly blockMs: number;
}

export interface PublishThrottleSettings extends RateLimit {
  /** A client held back without a break for this long is disconnected; null: never. */
  readonly abuseAfterMs: number | null;
}

/** The service's certificate, read and checked at boot: MQTT over TLS, WebSocket over TLS (wss) and HTTPS. */
export interface TlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string | null;
  /** PEM: the server certificate followed by the chain from HUB_TLS_CA_FILE, as sent to clients. */
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  /** MQTT over TLS; null: no such listener (TLS only for HTTPS and WebSocket). */
  readonly mqttsPort: number | null;
  readonly subject: string;
  readonly validTo: Date;
}

export interface PerimeterConfig {
  /** null: no certificate configured, everything plaintext. */
  readonly tls: TlsConfig | null;
  readonly publishRate: PublishThrottleSettings | null;
  readonly connectRate: RateLimit | null;
  readonly loginBackoff: LoginBackoffSettings | null;
  /** QoS 1/2 messages kept at most for one persistent session whose client is away (aedes keeps them in memory). */
  readonly offlineQueueLimit: number;
}

const MAX_RATE = 1_000_000;
const RATE_ALLOWED = `a number per second above 0 and at most ${MAX_RATE} (decimals allowed, e.g. 0.5), or off`;
const MQTTS_PORT_DEFAULT = 8883;
/** Read only with a certificate; recorded without one too, so the configuration reference lists it. */
const MQTTS_PORT = {
  description: 'MQTT over TLS',
  default: String(MQTTS_PORT_DEFAULT),
  allowed: 'a whole number from 0 to 65535, or off; needs HUB_TLS_CERT_FILE and HUB_TLS_KEY_FILE',
};

/**
 * TLS, per-client publish rates, per-address connection rates and failed-login back-off. Defaults are generous on
 * purpose: many devices may share one address (carrier-grade NAT, a site router, a reverse proxy), and a device
 * coming back after an outage flushes what it buffered.
 */
export function readPerimeterConfig(read: ConfigReader): PerimeterConfig {
  const tls = readTls(read);
  const publishPerSecond = rateOrOff(read, 'HUB_MQTT_RATE_LIMIT', 100, 'PUBLISH packets per second per MQTT client id; over it a client is slowed, not dropped');
  const publishBurst = read.int('HUB_MQTT_RATE_BURST', 500, 1, MAX_RATE, 'packets a client that was quiet may send at once (a device flushing what it buffered during an outage)');
  const abuseAfterMs = durationOrOff(read, 'HUB_MQTT_RATE_ABUSE_AFTER', '5m', 1000, 86_400_000, 'a client held at its rate limit without a break for this long is disconnected; off: never');
  const connectPerSecond = rateOrOff(read, 'HUB_MQTT_CONNECT_RATE', 50, 'new connections per second per remote address (per /64 for IPv6), on every MQTT listener');
  const connectBurst = read.int('HUB_MQTT_CONNECT_BURST', 500, 1, MAX_RATE, 'connections one address may open at once');
  const loginFailuresNotes = {
    description: 'refused logins (MQTT CONNECTs and HTTP ingest posts together) from one address within HUB_MQTT_LOGIN_FAILURE_WINDOW that make it refused for HUB_MQTT_LOGIN_BLOCK',
    allowed: 'a whole number from 1 to 1000000, or off',
    default: '100',
  };
  const loginFailures = read.optionalString('HUB_MQTT_LOGIN_FAILURES', loginFailuresNotes)?.toLowerCase() === 'off' ? null : read.int('HUB_MQTT_LOGIN_FAILURES', 100, 1, 1_000_000, loginFailuresNotes);
  const loginWindowMs = read.duration('HUB_MQTT_LOGIN_FAILURE_WINDOW', '1m', 1000, 86_400_000, 'the window HUB_MQTT_LOGIN_FAILURES counts in');
  const loginBlockMs = read.duration('HUB_MQTT_LOGIN_BLOCK', '5m', 1000, 86_400_000, 'how long an address with too many refused logins gets CONNACK 5 (HTTP ingest: 429) without its credentials being looked at');
  return {
    tls,
    publishRate: publishPerSecond === null ? null : { perSecond: publishPerSecond, burst: publishBurst, abuseAfterMs },
    connectRate: connectPerSecond === null ? null : { perSecond: connectPerSecond, burst: connectBurst },
    loginBackoff: loginFailures === null ? null : { failures: loginFailures, windowMs: loginWindowMs, blockMs: loginBlockMs },
    offlineQueueLimit: read.int('HUB_MQTT_OFFLINE_QUEUE_LIMIT', 10_000, 1, 10_000_000, 'QoS 1 messages kept at most for one persistent session (clean=false) while its client is away; aedes keeps them in memory'),
  };
}

function readTls(read: ConfigReader): TlsConfig | null {
  const certFile = read.optionalString('HUB_TLS_CERT_FILE', { description: 'PEM certificate of the service (its name or address must be what clients connect to); with it every listener speaks TLS', allowed: 'a PEM file, with HUB_TLS_KEY_FILE' });
  const keyFile = read.optionalString('HUB_TLS_KEY_FILE', { description: 'its PEM private key, unencrypted; keep it readable by the service\'s user only', allowed: 'a PEM file, with HUB_TLS_CERT_FILE' });
  const caFile = read.optionalString('HUB_TLS_CA_FILE', { description: 'PEM intermediate certificates sent after the service\'s own, so clients that trust only the root can build the chain', allowed: 'a PEM file; needs HUB_TLS_CERT_FILE and HUB_TLS_KEY_FILE' }) ?? null;
  if (certFile === undefined && keyFile === undefined) {
    read.has('HUB_MQTTS_PORT', MQTTS_PORT);
    for (const name of ['HUB_TLS_CA_FILE', 'HUB_MQTTS_PORT']) {
      if (read.has(name)) read.errors.push(new ConfigError(name, read.string(name, ''), 'needs HUB_TLS_CERT_FILE and HUB_TLS_KEY_FILE'));
    }
    return null;
  }
  const mqttsPort = read.portOrOff('HUB_MQTTS_PORT', MQTTS_PORT_DEFAULT, MQTTS_PORT);
  if (certFile === undefined || keyFile === undefined) {
    const [missing, given] = certFile === undefined ? ['HUB_TLS_CERT_FILE', 'HUB_TLS_KEY_FILE'] : ['HUB_TLS_KEY_FILE', 'HUB_TLS_CERT_FILE'];
    read.errors.push(new ConfigError(missing, '', `required with ${given}: a PEM file`));
    return null;
  }
  const certificatePem = readPem(read, 'HUB_TLS_CERT_FILE', certFile, 'CERTIFICATE');
  const privateKey = readPem(read, 'HUB_TLS_KEY_FILE', keyFile, 'PRIVATE KEY');
  const chainPem = caFile === null ? '' : readPem(read, 'HUB_TLS_CA_FILE', caFile, 'CERTIFICATE');
  if (certificatePem === undefined || privateKey === undefined || chainPem === undefined) return null;
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certificatePem);
  } catch (error) {
    read.errors.push(new ConfigError('HUB_TLS_CERT_FILE', certFile, `a PEM certificate; it could not be parsed (${message(error)})`));
    return null;
  }
  // The key file's content is a secret: errors name the file, never what is in it.
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(privateKey))) {
      read.errors.push(new ConfigError('HUB_TLS_KEY_FILE', keyFile, `the private key of the certificate in ${certFile}; this key belongs to another certificate`));
      return null;
    }
  } catch (error) {
    read.errors.push(new ConfigError('HUB_TLS_KEY_FILE', keyFile, `an unencrypted PEM private key; it could not be read (${message(error)})`));
    return null;
  }
  const certificate = Buffer.from(chainPem === '' ? certificatePem : `${certificatePem.trimEnd()}\n${chainPem}`);
  try {
    createSecureContext({ cert: certificate, key: privateKey });
  } catch (error) {
    read.errors.push(new ConfigError(caFile === null ? 'HUB_TLS_CERT_FILE' : 'HUB_TLS_CA_FILE', caFile ?? certFile, `certificates TLS can use (${message(error)})`));
    return null;
  }
  return { certFile, keyFile, caFile, certificate, privateKey: Buffer.from(privateKey), mqttsPort, subject: leaf.subject.replace(/\n/g, ', '), validTo: new Date(leaf.validTo) };
}

/** The file's text when it is readable and holds a PEM block whose label ends with `label`; undefined (error recorded) otherwise. */
function readPem(read: ConfigReader, variable: string, file: string, label: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    read.errors.push(new ConfigError(variable, file, `a readable file (${(error as NodeJS.ErrnoException).code ?? message(error)})`));
    return undefined;
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
    read.errors.push(new ConfigError(variable, file, `a PEM file with a ${label} block (a DER file converts with \`openssl x509 -inform der\` or \`openssl pkey -inform der\`)`));
    return undefined;
  }
  return text;
}

/** Per second, decimals allowed (0.5 = one every two seconds), or `off`. */
function rateOrOff(read: ConfigReader, name: string, fallback: number, description: string): number | null {
  const value = read.optionalString(name, { description, allowed: RATE_ALLOWED, default: String(fallback) });
  if (value === undefined) return fallback;
  if (value.toLowerCase() === 'off') return null;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > MAX_RATE) {
    read.errors.push(new ConfigError(name, value, RATE_ALLOWED));
    return fallback;
  }
  return Number(value);
}

function durationOrOff(read: ConfigReader, name: string, fallback: string, minMs: number, maxMs: number, description: string): number | null {
  const allowed = `a duration like 30s, 5m or 1h, from ${minMs} ms to ${maxMs} ms, or off`;
  const notes = { description, allowed, default: fallback };
  const value = read.optionalString(name, notes);
  if (value?.toLowerCase() === 'off') return null;
  if (value !== undefined && parseDuration(value) === undefined) {
    read.errors.push(new ConfigError(name, value, allowed));
    return parseDuration(fallback) ?? null;
  }
  return read.duration(name, fallback, minMs, maxMs, notes);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
