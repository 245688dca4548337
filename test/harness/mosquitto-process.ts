import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { ServerProcess } from './server-process';

const MOSQUITTO = '/usr/sbin/mosquitto';
const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

export interface MosquittoOptions {
  /** Username → password; without any, anonymous clients are allowed. */
  readonly users?: Readonly<Record<string, string>>;
  /** QoS 1 messages sent to a client and not yet acknowledged (mosquitto's default is 20). */
  readonly maxInflightMessages?: number;
  /** Messages held for a client beyond the inflight ones (default 1000, which a burst test would overflow). */
  readonly maxQueuedMessages?: number;
}

/**
 * A real external MQTT broker, Debian's mosquitto (2.x), as the network server's broker of a LoRaWAN bridge test:
 * its own temp dir, port and config, never the Debian package's service (which would listen on 1883 for
 * everything on the machine). Persistence is on, so sessions also survive `restart()`.
 */
export class MosquittoProcess {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly configPath: string,
    private server: ServerProcess | undefined,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get output(): string {
    return this.server?.output ?? '';
  }

  static async start(options: MosquittoOptions = {}): Promise<MosquittoProcess> {
    try {
      await access(MOSQUITTO, constants.X_OK);
    } catch {
      throw new Error(`${MOSQUITTO} not found: run \`bash scripts/test.sh\`, which installs Debian's mosquitto for the integration tests`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'mosquitto-test-'));
    const mosquitto = new MosquittoProcess(await freePort(), dir, join(dir, 'mosquitto.conf'), undefined);
    try {
      const passwordFile = options.users === undefined ? undefined : await writePasswordFile(dir, options.users);
      await writeFile(mosquitto.configPath, mosquittoConfig(dir, mosquitto.port, options, passwordFile));
      await mosquitto.restart();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return mosquitto;
  }

  /** SIGTERM: mosquitto writes its persistence file and exits. */
  async stop(): Promise<void> {
    await this.server?.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.server = await ServerProcess.start({ name: 'mosquitto', binary: MOSQUITTO, args: ['-c', this.configPath], readyTcpPort: this.port });
  }

  async cleanup(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

async function writePasswordFile(dir: string, users: Readonly<Record<string, string>>): Promise<string> {
  const file = join(dir, 'passwords');
  await writeFile(file, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(users)) {
    await promisify(execFile)(MOSQUITTO_PASSWD, ['-b', file, user, password]);
  }
  return file;
}

function mosquittoConfig(dir: string, port: number, options: MosquittoOptions, passwordFile: string | undefined): string {
  return `# Written by test/harness/mosquitto-process.ts
# Run as whoever runs the tests: as root mosquitto would otherwise switch to the user mosquitto, who cannot write here.
user ${userInfo().username}
listener ${port} 127.0.0.1
${passwordFile === undefined ? 'allow_anonymous true' : `allow_anonymous false\npassword_file ${passwordFile}`}
persistence true
persistence_location ${dir}/
max_inflight_messages ${options.maxInflightMessages ?? 20}
max_queued_messages ${options.maxQueuedMessages ?? 100000}
log_dest stderr
log_type error
log_type warning
log_type notice
`;
}
