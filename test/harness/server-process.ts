import { ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { connect } from 'node:net';

/** What to run and how to tell it is up. Shared by the influxd, VictoriaMetrics and mosquitto test servers. */
export type ServerCommand = {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly readyTimeoutMs?: number;
  /** Run as this user (the harness runs as root in CI, and PostgreSQL refuses root). */
  readonly uid?: number;
  readonly gid?: number;
  /** What stop() sends first; SIGTERM unless the server needs another (PostgreSQL's fast shutdown is SIGINT). */
  readonly stopSignal?: NodeJS.Signals;
} & (
  | {
      /** Polled until it answers 2xx. */
      readonly readyUrl: string;
    }
  | {
      /** Polled until 127.0.0.1:port accepts a TCP connection (a server without an HTTP endpoint). */
      readonly readyTcpPort: number;
    }
);

const OUTPUT_TAIL_CHARS = 16_384;
const live = new Set<ChildProcess>();
// A test file that crashes or times out must not leave servers behind: the jest worker's exit kills them.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One child process running a server, with the tail of its output kept for error messages. */
export class ServerProcess {
  private outputTail = '';

  private constructor(
    private readonly command: ServerCommand,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      this.outputTail = (this.outputTail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => live.delete(child));
  }

  /** Spawns the server and resolves once readyUrl answers; rejects with the server's output if it never does. */
  static async start(command: ServerCommand): Promise<ServerProcess> {
    const child = spawn(command.binary, command.args, { stdio: ['ignore', 'pipe', 'pipe'], uid: command.uid, gid: command.gid });
    live.add(child);
    const server = new ServerProcess(command, child);
    try {
      await server.waitUntilReady();
    } catch (error) {
      await server.kill();
      throw error;
    }
    return server;
  }

  get output(): string {
    return this.outputTail;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM (or the command's stopSignal), then SIGKILL if the server has not exited after graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = this.exited();
    this.child.kill(this.command.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    const exited = this.exited();
    this.child.kill('SIGKILL');
    await exited;
  }

  private exited(): Promise<void> {
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  private async waitUntilReady(): Promise<void> {
    const { name, readyTimeoutMs = 20_000 } = this.command;
    const readyUrl = 'readyUrl' in this.command ? this.command.readyUrl : `tcp://127.0.0.1:${this.command.readyTcpPort}`;
    const deadline = Date.now() + readyTimeoutMs;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(`${name} exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before ${readyUrl} answered:\n${this.output}`);
      }
      try {
        if ('readyTcpPort' in this.command) {
          await tcpAccepts(this.command.readyTcpPort, 1_000);
          return;
        }
        const { status } = await httpGet(readyUrl, 1_000);
        if (status >= 200 && status < 300) return;
        lastProblem = `HTTP ${status}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${name} did not answer ${readyUrl} within ${readyTimeoutMs} ms (${lastProblem}); its output:\n${this.output}`);
  }
}

/** A plain GET without connection reuse, so test helpers leave no sockets open behind them. */
export function httpGet(url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** Resolves once 127.0.0.1:port accepts a connection, which is closed at once. */
function tcpAccepts(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TCP answer on port ${port} within ${timeoutMs} ms`)));
    socket.once('error', reject);
  });
}
