import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files for the service (HUB_TLS_*) and what a client pins to trust them. */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** HUB_TLS_CA_FILE: intermediate certificates the service sends after its own; undefined when there are none. */
  readonly chainFile?: string;
  /** The certificate a client trusts (the self-signed one, or the root CA). */
  readonly trusted: Buffer;
}

const SERVER_NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed certificate for localhost and 127.0.0.1, made the way docs/operations.md (TLS) tells an operator to. */
export function makeSelfSignedCertificate(dir: string, name = 'hub'): TestCertificate {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC_KEY, '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', SERVER_NAMES]);
  return { certFile, keyFile, trusted: readFileSync(certFile) };
}

/**
 * What a real CA hands out: a root (kept by clients), an intermediate that signed the server's certificate, and the
 * server's certificate. The server must send the intermediate (HUB_TLS_CA_FILE) or clients that trust only the root
 * cannot build the chain.
 */
export function makeCertificateChain(dir: string): TestCertificate {
  const file = (name: string) => join(dir, name);
  writeFileSync(file('ca.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(file('server.ext'), `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n${SERVER_NAMES}\n`);
  openssl(['req', '-x509', ...EC_KEY, '-keyout', file('root.key'), '-out', file('root.crt'), '-days', '2', '-subj', '/CN=Test County Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...EC_KEY, '-keyout', file('intermediate.key'), '-out', file('intermediate.csr'), '-subj', '/CN=Test County Intermediate CA']);
  openssl(['x509', '-req', '-in', file('intermediate.csr'), '-CA', file('root.crt'), '-CAkey', file('root.key'), '-CAcreateserial', '-out', file('intermediate.crt'), '-days', '2', '-extfile', file('ca.ext')]);
  openssl(['req', ...EC_KEY, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);
  openssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('intermediate.crt'), '-CAkey', file('intermediate.key'), '-CAcreateserial', '-out', file('server.crt'), '-days', '2', '-extfile', file('server.ext')]);
  return { certFile: file('server.crt'), keyFile: file('server.key'), chainFile: file('intermediate.crt'), trusted: readFileSync(file('root.crt')) };
}
