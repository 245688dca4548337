import { Domain, RejectReason } from '@hub/contract';
import type { NetworkServerReport } from './network-server-report';
import { SentReading } from './telemetry-message-source';

export interface DomainTotals {
  messages: number;
  readings: number;
  valid: number;
  invalid: number;
  acked: number;
}

/** What the simulator sent, so a test can compare it with what the hub stored and refused. */
export interface SimulatorReport {
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly elapsedMs: number;
  readonly running: boolean;
  readonly seed: number;
  readonly qos: 0 | 1;
  readonly devices: { readonly planned: number; readonly connected: number; readonly connectFailures: number; readonly dropped: number };
  readonly sent: { readonly messages: number; readonly readings: number };
  /** Readings expected to be stored / refused. */
  readonly valid: number;
  readonly invalid: number;
  /** Readings whose QoS 1 publish was acknowledged by the broker (0 at QoS 0). */
  readonly acked: number;
  /** QoS 1 readings still unacknowledged when their connection closed. */
  readonly unacked: number;
  /** Publishes whose callback reported an error. */
  readonly publishErrors: number;
  readonly reconnects: number;
  readonly byDomain: Readonly<Record<Domain, DomainTotals>>;
  /** Invalid readings per expected reject reason. */
  readonly invalidByReason: Readonly<Partial<Record<RejectReason, number>>>;
  /** Rejections the hub should record per reason: one per malformed payload, one per bad reading otherwise. */
  readonly expectedRejections: Readonly<Partial<Record<RejectReason, number>>>;
  /** The first few connect and publish error messages, for diagnosis. */
  readonly errors: readonly string[];
  /** Every sent reading, when recordReadings was set. */
  readonly readings?: readonly SentReading[];
  /** With --network-server: the uplink events per kind (the counters above count uplinks as readings). */
  readonly networkServer?: NetworkServerReport;
}

const MAX_ERRORS_KEPT = 20;

/** Accumulates counters while a run goes; snapshot() is cheap enough to call for progress lines. */
export class SimulatorReportBuilder {
  private readonly startedAt = Date.now();
  private finishedAt: number | undefined;
  private connected = 0;
  private connectFailures = 0;
  private dropped = 0;
  private messages = 0;
  private readingsSent = 0;
  private valid = 0;
  private invalid = 0;
  private acked = 0;
  private unacked = 0;
  private publishErrors = 0;
  private reconnects = 0;
  private readonly byDomain: Record<Domain, DomainTotals>;
  private readonly invalidByReason: Partial<Record<RejectReason, number>> = {};
  private readonly expectedRejections: Partial<Record<RejectReason, number>> = {};
  private readonly errors: string[] = [];
  private readonly readings: SentReading[] | undefined;

  constructor(
    private readonly context: { readonly seed: number; readonly qos: 0 | 1; readonly domains: readonly Domain[]; readonly plannedDevices: number },
    recordReadings: boolean,
  ) {
    this.byDomain = Object.fromEntries(
      context.domains.map((domain) => [domain, { messages: 0, readings: 0, valid: 0, invalid: 0, acked: 0 }]),
    ) as Record<Domain, DomainTotals>;
    this.readings = recordReadings ? [] : undefined;
  }

  deviceConnected(): void {
    this.connected++;
  }

  connectFailed(deviceId: string, error: Error): void {
    this.connectFailures++;
    this.keepError(`${deviceId}: connect failed: ${error.message}`);
  }

  deviceDropped(): void {
    this.dropped++;
  }

  reconnected(): void {
    this.reconnects++;
  }

  messageSent(domain: Domain, readings: readonly SentReading[], expectedRejections: readonly RejectReason[]): void {
    const totals = this.byDomain[domain];
    this.messages++;
    totals.messages++;
    for (const reading of readings) {
      this.readingsSent++;
      totals.readings++;
      if (reading.valid) {
        this.valid++;
        totals.valid++;
      } else {
        this.invalid++;
        totals.invalid++;
        if (reading.expectedReason !== undefined) increment(this.invalidByReason, reading.expectedReason);
      }
      this.readings?.push(reading);
    }
    for (const reason of expectedRejections) increment(this.expectedRejections, reason);
  }

  /** A message that repeats one already counted (a duplicate uplink event): a message, no new reading. */
  messageRepeated(domain: Domain): void {
    this.messages++;
    this.byDomain[domain].messages++;
  }

  readingsAcked(domain: Domain, count: number): void {
    this.acked += count;
    this.byDomain[domain].acked += count;
  }

  readingsUnacked(count: number): void {
    this.unacked += count;
  }

  publishFailed(deviceId: string, error: Error): void {
    this.publishErrors++;
    this.keepError(`${deviceId}: publish failed: ${error.message}`);
  }

  finish(): void {
    this.finishedAt ??= Date.now();
  }

  snapshot(): SimulatorReport {
    const end = this.finishedAt ?? Date.now();
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      ...(this.finishedAt === undefined ? {} : { finishedAt: new Date(this.finishedAt).toISOString() }),
      elapsedMs: end - this.startedAt,
      running: this.finishedAt === undefined,
      seed: this.context.seed,
      qos: this.context.qos,
      devices: { planned: this.context.plannedDevices, connected: this.connected, connectFailures: this.connectFailures, dropped: this.dropped },
      sent: { messages: this.messages, readings: this.readingsSent },
      valid: this.valid,
      invalid: this.invalid,
      acked: this.acked,
      unacked: this.unacked,
      publishErrors: this.publishErrors,
      reconnects: this.reconnects,
      byDomain: Object.fromEntries(Object.entries(this.byDomain).map(([domain, totals]) => [domain, { ...totals }])) as Record<Domain, DomainTotals>,
      invalidByReason: { ...this.invalidByReason },
      expectedRejections: { ...this.expectedRejections },
      errors: [...this.errors],
      ...(this.readings === undefined ? {} : { readings: [...this.readings] }),
    };
  }

  private keepError(message: string): void {
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(message);
  }
}

function increment(counts: Partial<Record<RejectReason, number>>, reason: RejectReason): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}
