import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { FromChild, QueryableSample, ToChild } from './load-protocol';

type Waiting = { readonly type: FromChild['type']; readonly resolve: (message: FromChild) => void; readonly reject: (error: Error) => void };

/**
 * The orchestrator's end of a child process (load generator, bare broker, device fleet) that speaks load-protocol
 * over IPC. Samples go to `onSample`; every other message is awaited with `next(type)`, bounded in time. The
 * child is killed by `kill()` (and exits by itself when the orchestrator disappears).
 */
export class ChildLink {
  private readonly child: ChildProcess;
  private readonly inbox: FromChild[] = [];
  private waiting: Waiting | null = null;
  private exited: string | null = null;
  onSample: (sample: QueryableSample) => void = () => undefined;

  constructor(script: string, args: readonly string[] = []) {
    this.child = fork(join(__dirname, script), [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    this.child.on('message', (message: FromChild) => this.receive(message));
    this.child.on('exit', (code, signal) => {
      this.exited = `${script} exited (code ${code}, signal ${signal})`;
      this.waiting?.reject(new Error(this.exited));
      this.waiting = null;
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  send(message: ToChild): void {
    if (this.child.connected) this.child.send(message);
  }

  /** The next message of `type` (a `failed` message, an exit or the timeout rejects). */
  next<T extends FromChild['type']>(type: T, timeoutMs: number): Promise<Extract<FromChild, { type: T }>> {
    const queued = this.inbox.findIndex((message) => message.type === type || message.type === 'failed');
    if (queued >= 0) return Promise.resolve(this.settle(this.inbox.splice(queued, 1)[0], type));
    if (this.exited !== null) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`no '${type}' from the child within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        type,
        resolve: (message) => {
          clearTimeout(timer);
          try {
            resolve(this.settle(message, type));
          } catch (error) {
            reject(error as Error);
          }
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Waits for the child to exit by itself (after its result), killing it after `timeoutMs`. */
  async exit(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private receive(message: FromChild): void {
    if (message.type === 'sample') {
      this.onSample(message.sample);
      return;
    }
    const waiting = this.waiting;
    if (waiting !== null && (message.type === waiting.type || message.type === 'failed')) {
      this.waiting = null;
      waiting.resolve(message);
    } else {
      this.inbox.push(message);
    }
  }

  private settle<T extends FromChild['type']>(message: FromChild, type: T): Extract<FromChild, { type: T }> {
    if (message.type === 'failed') throw new Error(`child failed: ${message.error}`);
    if (message.type !== type) throw new Error(`expected '${type}', got '${message.type}'`);
    return message as Extract<FromChild, { type: T }>;
  }
}
