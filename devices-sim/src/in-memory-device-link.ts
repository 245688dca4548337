import { DeviceLink, DeviceLinkFactory, DeviceLinkOptions } from './device-link';

export interface InMemoryPublish {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

/**
 * A stand-in broker for unit tests of the simulator: records every publish and every will that fired, acknowledges
 * asynchronously (as a socket would), and can refuse chosen clients or withhold acknowledgements.
 */
export class InMemoryBroker {
  readonly published: InMemoryPublish[] = [];
  readonly willsFired: InMemoryPublish[] = [];
  readonly connected = new Set<string>();
  readonly cleanDisconnects: string[] = [];
  /** Client ids whose CONNECT is refused. */
  readonly refuse = new Set<string>();
  /** While true, QoS 1 publishes are never acknowledged. */
  withholdAcks = false;

  readonly connect: DeviceLinkFactory = (options: DeviceLinkOptions) =>
    new Promise<DeviceLink>((resolve, reject) =>
      setImmediate(() => {
        if (this.refuse.has(options.clientId)) {
          reject(new Error(`connection refused for ${options.clientId}`));
          return;
        }
        this.connected.add(options.clientId);
        resolve(new InMemoryDeviceLink(this, options));
      }),
    );

  telemetry(clientId?: string): InMemoryPublish[] {
    return this.published.filter((entry) => entry.topic.endsWith('/telemetry') && (clientId === undefined || entry.clientId === clientId));
  }
}

class InMemoryDeviceLink implements DeviceLink {
  private open = true;

  constructor(
    private readonly broker: InMemoryBroker,
    private readonly options: DeviceLinkOptions,
  ) {}

  publish(topic: string, payload: string, options: { readonly qos: 0 | 1; readonly retain?: boolean }, done: (error?: Error) => void): void {
    if (!this.open) {
      setImmediate(() => done(new Error('link closed')));
      return;
    }
    this.broker.published.push({ clientId: this.options.clientId, topic, payload, qos: options.qos, retain: options.retain ?? false });
    if (options.qos === 1 && this.broker.withholdAcks) return;
    setImmediate(() => done());
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.broker.connected.delete(this.options.clientId);
    this.broker.cleanDisconnects.push(this.options.clientId);
  }

  drop(): void {
    if (!this.open) return;
    this.open = false;
    this.broker.connected.delete(this.options.clientId);
    const will = this.options.will;
    if (will === undefined) return;
    this.broker.willsFired.push({ clientId: this.options.clientId, topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain });
  }
}
