import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ServerProcess } from './server-process';
import type { TestCertificate } from './test-certificates';

/** STARTTLS required (with this certificate) and AUTH required (with this login): the script's own runner. */
export interface SmtpSecurity {
  readonly certificate: TestCertificate;
  readonly login: string;
  readonly password: string;
  /** TLS from the first byte (SMTPS, port 465) instead of STARTTLS. */
  readonly implicitTls?: boolean;
}

/** Debian's python3-aiosmtpd runs under the system Python, not whichever python3 is first on PATH. */
const PYTHON = '/usr/bin/python3';

/** One message as the SMTP server received it, MIME decoded by Python's email package. */
export interface CapturedEmail {
  mailFrom: string;
  rcptTos: string[];
  from: string;
  to: string;
  subject: string;
  text: string | null;
  html: string | null;
  /** Files attached (text ones decoded; a report's CSV keeps its byte-order mark as U+FEFF). */
  attachments: Array<{ filename: string; contentType: string; content: string }>;
}

/**
 * A real SMTP server (aiosmtpd) on a free 127.0.0.1 port that writes each message it accepts to a JSON file
 * (test/harness/smtp_capture.py). Recipients starting `bounce` get 550, `busy` 451. With `security`, STARTTLS and
 * AUTH (PLAIN/LOGIN) are both required, as on a county relay.
 */
export class SmtpSinkProcess {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly server: ServerProcess,
  ) {}

  static async start(security?: SmtpSecurity): Promise<SmtpSinkProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'smtp-sink-'));
    const port = await freePort();
    const listen = `127.0.0.1:${port}`;
    const args =
      security === undefined
        ? [`PYTHONPATH=${__dirname}`, PYTHON, '-m', 'aiosmtpd', '-n', '-l', listen, '-c', 'smtp_capture.CaptureHandler', dir]
        : [PYTHON, join(__dirname, 'smtp_capture.py'), '--listen', listen, '--out', dir, '--tls-cert', security.certificate.certFile, '--tls-key', security.certificate.keyFile, '--login', security.login, '--password', security.password, ...(security.implicitTls === true ? ['--implicit-tls'] : [])];
    const server = await ServerProcess.start({ name: 'aiosmtpd', binary: 'env', args, readyTcpPort: port });
    return new SmtpSinkProcess(port, dir, server);
  }

  async messages(): Promise<CapturedEmail[]> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json')).sort();
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(this.dir, name), 'utf8')) as CapturedEmail));
  }

  get output(): string {
    return this.server.output;
  }

  async cleanup(): Promise<void> {
    try {
      await this.server.stop();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
