import { connect, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BenchConnection, BenchDevice, MAX_READINGS_PER_DEVICE, messageTemplate, planConnections, SEQ_BASE, VALUE_VARIANTS } from './bench-fleet';
import { LatencyHistogram } from './latency-histogram';
import { MqttLoadJob, MqttLoadResult, QueryableSample } from './load-protocol';
import { CONNACK, connectPacket, disconnectPacket, InboundScanner, PUBACK, PublishTemplate, publishTemplate, writePublish } from './mqtt-wire';

const CONNECT_TIMEOUT_MS = 10_000;
const DRAIN_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 5_000;
const KEEPALIVE_S = 60;
/** Rate mode: how often due messages are sent. */
const TICK_MS = 5;
const MAX_ERRORS_KEPT = 20;

/** Epoch ms with sub-ms resolution, comparable with the orchestrator's clock (same machine). */
const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * One device's MQTT connection: QoS 1 PUBLISHes from pre-built templates, at most `window` in flight. Packet ids
 * cycle through 1..window and a slot is reused only once everything older is acknowledged, so ids never clash even
 * if PUBACKs came out of order (the service promises they do not [MQTT-4.6.0-2]; out-of-order ones are counted).
 * Message m carries readings m·R … m·R + R − 1 (R readings per message), reading r with ts = tsBase + r.
 */
class LoadConnection {
  readonly socket: Socket;
  private readonly templates: PublishTemplate[];
  private readonly sentAt: Float64Array;
  private readonly acked: Uint8Array;
  private readonly scanner: InboundScanner;
  /** Messages sent so far = the next message's number. */
  next = 0;
  /** Oldest message not yet acknowledged. */
  oldest = 0;
  /** Open loop: messages of this device that have fallen due. */
  due = 0;
  closed = false;
  private connack: ((error?: Error) => void) | null = null;

  private readonly devices: readonly BenchDevice[];

  constructor(
    readonly connection: BenchConnection,
    readonly index: number,
    private readonly load: MqttLoad,
  ) {
    const perMessage = load.job.readingsPerMessage;
    this.devices = connection.devices;
    const children = this.devices.length;
    // Template t is for device t mod C (C devices on this connection: 1, or a gateway's children) and carries value
    // sets v·R … v·R + R − 1 (mod VALUE_VARIANTS) with v = t div C: message m uses template m mod (C·VALUE_VARIANTS).
    this.templates = Array.from({ length: VALUE_VARIANTS * children }, (_, template) => {
      const device = this.devices[template % children];
      const variant = Math.floor(template / children);
      return publishTemplate(device.topic, messageTemplate(Array.from({ length: perMessage }, (_, k) => device.variants[(variant * perMessage + k) % VALUE_VARIANTS])));
    });
    this.sentAt = new Float64Array(load.job.window);
    this.acked = new Uint8Array(load.job.window);
    this.scanner = new InboundScanner((type, word) => this.onPacket(type, word));
    const ports = load.job.ports ?? [load.job.port];
    this.socket = connect({ port: ports[index % ports.length], host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.scanner.push(chunk);
      this.load.afterAcks(this);
    });
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no CONNACK within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      this.connack = (error) => {
        clearTimeout(timer);
        this.connack = null;
        if (error) reject(error);
        else resolve();
      };
      this.socket.write(connectPacket(this.connection.loginId, KEEPALIVE_S, this.load.job.credentials?.[this.connection.loginId]));
    });
  }

  get inFlight(): number {
    return this.next - this.oldest;
  }

  get room(): number {
    if (this.closed) return 0;
    return Math.min(this.load.job.window - this.inFlight, Math.floor(MAX_READINGS_PER_DEVICE / this.load.job.readingsPerMessage) - this.next);
  }

  /** Sends `count` messages in one write; `dueAt(m)` gives the time message m counts from (rate mode), else now. */
  send(count: number, dueAt?: (message: number) => number): void {
    if (count <= 0) return;
    let size = 0;
    for (let k = 0; k < count; k++) size += this.templates[(this.next + k) % this.templates.length].bytes.length;
    const out = Buffer.allocUnsafe(size);
    const now = epochNow();
    const window = this.load.job.window;
    let at = 0;
    const perMessage = this.load.job.readingsPerMessage;
    for (let k = 0; k < count; k++) {
      const message = this.next++;
      const slot = message % window;
      const firstReading = message * perMessage;
      const ts = this.load.job.tsBase + firstReading;
      at = writePublish(out, at, this.templates[message % this.templates.length], slot + 1, ts, SEQ_BASE + firstReading);
      this.sentAt[slot] = dueAt === undefined ? now : dueAt(message);
      this.acked[slot] = 0;
      this.load.sampleIfDue(this.devices[message % this.devices.length], this.index, message, ts, this.sentAt[slot]);
    }
    this.load.sent += count * perMessage;
    this.socket.write(out);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.closed = true;
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, CLOSE_TIMEOUT_MS);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end(disconnectPacket());
    });
  }

  private onPacket(type: number, word: number): void {
    if (type === PUBACK) {
      const window = this.load.job.window;
      const slot = word - 1;
      if (slot < 0 || slot >= window || this.acked[slot] === 1 || this.inFlight === 0) {
        this.load.error(`${this.connection.loginId}: unexpected PUBACK id ${word}`);
        return;
      }
      if (slot !== this.oldest % window) this.load.outOfOrderAcks++;
      this.acked[slot] = 1;
      this.load.acknowledged(this.load.job.readingsPerMessage, epochNow() - this.sentAt[slot]);
      while (this.oldest < this.next && this.acked[this.oldest % window] === 1) this.oldest++;
    } else if (type === CONNACK) {
      this.connack?.(word === 0 ? undefined : new Error(`CONNACK return code ${word}`));
    } else {
      this.load.error(`${this.connection.loginId}: unexpected packet type ${type}`);
    }
  }

  private fail(error: Error): void {
    if (this.connack) this.connack(error);
    if (this.closed) return;
    this.closed = true;
    this.load.error(`${this.connection.loginId}: ${error.message}`);
    this.socket.destroy();
  }
}

/**
 * The MQTT side of the load generator: N raw connections (Nagle off), each publishing QoS 1 messages of one or more
 * readings with a bounded in-flight window, either as fast as PUBACKs return (closed loop: the maximum the service
 * sustains) or at a fixed total rate of readings (open loop, for latency). Every loop ends by itself: sending stops
 * at durationMs, draining after DRAIN_TIMEOUT_MS. Counts are of readings; latencies and the backlog of messages.
 */
export class MqttLoad {
  sent = 0;
  outOfOrderAcks = 0;
  private ackedTotal = 0;
  private readonly ackedPerSecond: number[] = [];
  private readonly latency = new LatencyHistogram();
  private readonly errors: string[] = [];
  private errorCount = 0;
  private connections: LoadConnection[] = [];
  private sending = false;
  private startedAt = 0;
  private maxBacklog = 0;
  /** Open loop: messages that have fallen due so far, over all connections. */
  private dispatched = 0;
  /** Open loop: messages per second over all connections. */
  private readonly messageRate: number;
  private readonly sampleStride: number;
  private drainWaker: (() => void) | null = null;

  constructor(
    readonly job: MqttLoadJob,
    private readonly onSample: (sample: QueryableSample) => void,
  ) {
    this.messageRate = job.rate === null ? 0 : job.rate / job.readingsPerMessage;
    this.sampleStride = job.rate !== null && job.samplesPerSecond > 0 ? Math.max(1, Math.round(this.messageRate / job.samplesPerSecond)) : 0;
  }

  /** Opens every connection, connectConcurrency at a time; resolves with the time it took. */
  async connectAll(): Promise<number> {
    const started = performance.now();
    const devices = planConnections(this.job.fleet);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < devices.length) {
        const index = next++;
        const connection = new LoadConnection(devices[index], index, this);
        this.connections.push(connection);
        await connection.open();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.job.connectConcurrency, devices.length) }, worker));
    this.connections.sort((a, b) => a.index - b.index);
    return performance.now() - started;
  }

  async run(): Promise<Omit<MqttLoadResult, 'connectMs'>> {
    this.sending = true;
    this.startedAt = performance.now();
    const counter = setInterval(() => this.ackedPerSecond.push(this.ackedTotal - this.ackedPerSecond.reduce((sum, n) => sum + n, 0)), 1000);
    const ticker = this.job.rate === null ? null : setInterval(() => this.tick(), TICK_MS);
    if (this.job.rate === null) for (const connection of this.connections) connection.send(connection.room);
    else this.tick();
    await new Promise((resolve) => setTimeout(resolve, this.job.durationMs));
    this.sending = false;
    if (ticker) clearInterval(ticker);
    const sendMs = performance.now() - this.startedAt;
    const drainStarted = performance.now();
    await this.drained();
    clearInterval(counter);
    const drainMs = performance.now() - drainStarted;
    const unacked = this.connections.reduce((sum, connection) => sum + connection.inFlight, 0) * this.job.readingsPerMessage;
    await Promise.all(this.connections.map((connection) => connection.close()));
    return {
      kind: 'mqtt',
      connections: this.connections.length,
      sendMs,
      drainMs,
      sent: this.sent,
      acked: this.ackedTotal,
      unacked,
      outOfOrderAcks: this.outOfOrderAcks,
      ackedPerSecond: this.ackedPerSecond,
      ackLatency: this.latency.summary(),
      maxBacklog: this.maxBacklog,
      errors: this.errorCount > this.errors.length ? [...this.errors, `… ${this.errorCount - this.errors.length} more`] : this.errors,
    };
  }

  /** Closes whatever is open (Ctrl-C, or a failed connect). */
  async abort(): Promise<void> {
    this.sending = false;
    await Promise.all(this.connections.map((connection) => connection.close()));
  }

  /** Called after each inbound chunk: the closed loop refills the window, the open loop sends what is due. */
  afterAcks(connection: LoadConnection): void {
    if (!this.sending) {
      if (this.drainWaker && connection.inFlight === 0) this.drainWaker();
      return;
    }
    if (this.job.rate === null) connection.send(connection.room);
    else this.sendDue(connection);
  }

  acknowledged(readings: number, latencyMs: number): void {
    this.ackedTotal += readings;
    this.latency.record(latencyMs);
  }

  /** Open loop: every sampleStride-th message overall has its first reading watched for in InfluxDB. */
  sampleIfDue(device: BenchDevice, connectionIndex: number, message: number, ts: number, publishAt: number): void {
    if (this.sampleStride === 0 || (message * this.connections.length + connectionIndex) % this.sampleStride !== 0) return;
    this.onSample({ deviceId: device.deviceId, domain: device.domain, ts, publishAt });
  }

  error(message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(message);
  }

  /**
   * Open loop: global message k is due at start + k / messageRate and goes to connection k mod N (as its message k div N),
   * so every connection publishes at rate / N, evenly staggered. Work per tick is proportional to what is due.
   */
  private tick(): void {
    const count = this.connections.length;
    const dueTotal = Math.floor(((performance.now() - this.startedAt) * this.messageRate) / 1000) + 1;
    const touched: LoadConnection[] = [];
    for (; this.dispatched < dueTotal; this.dispatched++) {
      const connection = this.connections[this.dispatched % count];
      if (connection.due++ === connection.next) touched.push(connection);
    }
    for (const connection of touched) this.sendDue(connection);
    const backlog = this.dispatched - this.sent / this.job.readingsPerMessage;
    if (backlog > this.maxBacklog) this.maxBacklog = backlog;
  }

  /** Sends what is due and fits the window, each reading stamped with the time it was due. */
  private sendDue(connection: LoadConnection): void {
    const behind = connection.due - connection.next;
    if (behind <= 0) return;
    const count = this.connections.length;
    const periodMs = 1000 / this.messageRate;
    const origin = performance.timeOrigin + this.startedAt;
    connection.send(Math.min(behind, connection.room), (message) => origin + (message * count + connection.index) * periodMs);
  }

  private drained(): Promise<void> {
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.connections.every((connection) => connection.inFlight === 0 || connection.closed) || performance.now() > deadline) {
          this.drainWaker = null;
          clearInterval(poll);
          resolve();
        }
      };
      const poll = setInterval(check, 20);
      this.drainWaker = check;
      check();
    });
  }
}
