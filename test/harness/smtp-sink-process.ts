import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ServerProcess } from './server-process';

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
}

/**
 * A real SMTP server (aiosmtpd) on a free 127.0.0.1 port that writes each message it accepts to a JSON file
 * (test/harness/smtp_capture.py). Recipients starting `bounce` get 550, `busy` 451.
 */
export class SmtpSinkProcess {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly server: ServerProcess,
  ) {}

  static async start(): Promise<SmtpSinkProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'smtp-sink-'));
    const port = await freePort();
    const server = await ServerProcess.start({
      name: 'aiosmtpd',
      binary: 'env',
      args: [`PYTHONPATH=${__dirname}`, PYTHON, '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'smtp_capture.CaptureHandler', dir],
      readyTcpPort: port,
    });
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
