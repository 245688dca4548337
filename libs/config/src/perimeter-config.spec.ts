import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificateChain, makeSelfSignedCertificate } from '@hub/test-harness';
import { ConfigReader, Env } from './env-parsers';
import { readPerimeterConfig } from './perimeter-config';

function read(env: Env) {
  const reader = new ConfigReader(env);
  const config = readPerimeterConfig(reader);
  return { config, errors: reader.errors.map((error) => [error.variable, error.value, error.allowed]) };
}

describe('readPerimeterConfig', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perimeter-config-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads rates (decimals allowed), bursts, durations and off', () => {
    const { config, errors } = read({
      HUB_MQTT_RATE_LIMIT: '20',
      HUB_MQTT_RATE_BURST: '40',
      HUB_MQTT_RATE_ABUSE_AFTER: 'off',
      HUB_MQTT_CONNECT_RATE: '0.5',
      HUB_MQTT_CONNECT_BURST: '5',
      HUB_MQTT_LOGIN_FAILURES: '5',
      HUB_MQTT_LOGIN_FAILURE_WINDOW: '30s',
      HUB_MQTT_LOGIN_BLOCK: '2s',
      HUB_MQTT_OFFLINE_QUEUE_LIMIT: '250',
    });
    expect(errors).toEqual([]);
    expect(config).toEqual({
      tls: null,
      publishRate: { perSecond: 20, burst: 40, abuseAfterMs: null },
      connectRate: { perSecond: 0.5, burst: 5 },
      loginBackoff: { failures: 5, windowMs: 30_000, blockMs: 2000 },
      offlineQueueLimit: 250,
    });
    expect(read({ HUB_MQTT_RATE_LIMIT: 'off', HUB_MQTT_CONNECT_RATE: 'OFF', HUB_MQTT_LOGIN_FAILURES: 'off' }).config).toEqual({
      tls: null,
      publishRate: null,
      connectRate: null,
      loginBackoff: null,
      offlineQueueLimit: 10_000,
    });
  });

  it('names each bad value', () => {
    expect(read({ HUB_MQTT_RATE_LIMIT: '0', HUB_MQTT_CONNECT_RATE: 'fast', HUB_MQTT_RATE_ABUSE_AFTER: 'soon', HUB_MQTT_CONNECT_BURST: '0' }).errors).toEqual([
      ['HUB_MQTT_RATE_LIMIT', '0', 'a number per second above 0 and at most 1000000 (decimals allowed, e.g. 0.5), or off'],
      ['HUB_MQTT_RATE_ABUSE_AFTER', 'soon', 'a duration like 30s, 5m or 1h, from 1000 ms to 86400000 ms, or off'],
      ['HUB_MQTT_CONNECT_RATE', 'fast', 'a number per second above 0 and at most 1000000 (decimals allowed, e.g. 0.5), or off'],
      ['HUB_MQTT_CONNECT_BURST', '0', 'a whole number from 1 to 1000000'],
    ]);
  });

  it('will not take TLS settings without a certificate', () => {
    expect(read({ HUB_MQTTS_PORT: '8883', HUB_TLS_CA_FILE: '/etc/hub/chain.pem' }).errors).toEqual([
      ['HUB_TLS_CA_FILE', '/etc/hub/chain.pem', 'needs HUB_TLS_CERT_FILE and HUB_TLS_KEY_FILE'],
      ['HUB_MQTTS_PORT', '8883', 'needs HUB_TLS_CERT_FILE and HUB_TLS_KEY_FILE'],
    ]);
  });

  it('reads and checks a certificate and its key, with the chain sent after it', () => {
    const chain = makeCertificateChain(dir);
    const { config, errors } = read({ HUB_TLS_CERT_FILE: chain.certFile, HUB_TLS_KEY_FILE: chain.keyFile, HUB_TLS_CA_FILE: chain.chainFile, HUB_MQTT_PORT: 'off' });
    expect(errors).toEqual([]);
    expect(config.tls).toMatchObject({ certFile: chain.certFile, keyFile: chain.keyFile, caFile: chain.chainFile, mqttsPort: 8883, subject: 'CN=localhost' });
    expect(config.tls?.certificate.toString().match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(config.tls?.validTo.getTime()).toBeGreaterThan(Date.now());
  });

  it('stops on a missing, unreadable or mismatched certificate or key, never showing the key', () => {
    const one = makeSelfSignedCertificate(dir, 'one');
    const other = makeSelfSignedCertificate(dir, 'other');
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    expect(read({ HUB_TLS_CERT_FILE: one.certFile }).errors).toEqual([['HUB_TLS_KEY_FILE', '', 'required with HUB_TLS_CERT_FILE: a PEM file']]);
    expect(read({ HUB_TLS_CERT_FILE: join(dir, 'missing.crt'), HUB_TLS_KEY_FILE: one.keyFile }).errors).toEqual([['HUB_TLS_CERT_FILE', join(dir, 'missing.crt'), 'a readable file (ENOENT)']]);
    expect(read({ HUB_TLS_CERT_FILE: garbage, HUB_TLS_KEY_FILE: one.keyFile }).errors).toEqual([
      ['HUB_TLS_CERT_FILE', garbage, 'a PEM file with a CERTIFICATE block (a DER file converts with `openssl x509 -inform der` or `openssl pkey -inform der`)'],
    ]);
    expect(read({ HUB_TLS_CERT_FILE: one.certFile, HUB_TLS_KEY_FILE: other.keyFile }).errors).toEqual([
      ['HUB_TLS_KEY_FILE', other.keyFile, `the private key of the certificate in ${one.certFile}; this key belongs to another certificate`],
    ]);
    const [[, , problem]] = read({ HUB_TLS_CERT_FILE: one.keyFile, HUB_TLS_KEY_FILE: one.certFile }).errors;
    expect(problem).toMatch(/^a PEM file with a CERTIFICATE block/);
  });
});
