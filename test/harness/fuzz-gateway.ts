import type { Random } from '@hub/common';
import type { Domain } from '@hub/contract';
import { between, objectText, pick, ReadingFactory } from './fuzz-readings';
import { FuzzDevice, FuzzLimits, FuzzMessage } from './fuzz-messages';

/** A device the fuzz gateway publishes for, or may not. */
export interface FuzzAddress {
  readonly domain: Domain;
  readonly deviceId: string;
}

/**
 * A gateway's messages for the fuzz test: mostly its children's own fuzz traffic (every hostile payload a device can
 * send, on the child's topic), and besides that what only a gateway gets wrong: readings for devices that are not
 * its children (another gateway's, plain devices, unregistered or odd ids, a child under a wrong domain), a
 * ThingsBoard-style combined payload on a child's topic or on ThingsBoard's own topics, and children's status.
 */
export class FuzzGateway {
  private readonly children: FuzzDevice[];
  private readonly readings: ReadingFactory;

  constructor(
    readonly deviceId: string,
    private readonly childAddresses: readonly FuzzAddress[],
    /** Registered devices that are not this gateway's children. */
    private readonly strangers: readonly FuzzAddress[],
    private readonly random: Random,
    tsBase: number,
    limits: FuzzLimits,
    seedOf: (deviceId: string) => Random,
  ) {
    this.children = childAddresses.map(({ domain, deviceId: child }) => new FuzzDevice(domain, child, seedOf(child), tsBase, limits));
    this.readings = new ReadingFactory('water', `${deviceId}-stranger`, random, tsBase);
  }

  next(): FuzzMessage {
    const roll = this.random();
    if (roll < 0.7) return pick(this.random, this.children).next();
    if (roll < 0.8) return this.forStranger();
    if (roll < 0.9) return this.oddChildId();
    if (roll < 0.95) return this.combinedPayload();
    return this.childStatus();
  }

  private forbidden(kind: string, topic: string): FuzzMessage {
    const payload = Buffer.from(objectText(this.random, this.readings.valid().fields));
    return { kind, topic, payload, stored: [], duplicates: 0, deadLetters: [{ reasons: ['TOPIC_FORBIDDEN'], batchIndex: null }] };
  }

  /** Another gateway's child, a plain device, or its own child under a domain that is not the child's. */
  private forStranger(): FuzzMessage {
    if (this.random() < 0.3) {
      const child = pick(this.random, this.childAddresses);
      const domain = child.domain === 'water' ? 'power' : 'water';
      return this.forbidden('child under a wrong domain', `sensors/${domain}/${child.deviceId}/telemetry`);
    }
    const stranger = pick(this.random, this.strangers);
    return this.forbidden('not its child', `sensors/${stranger.domain}/${stranger.deviceId}/${pick(this.random, ['telemetry', 'status'])}`);
  }

  /**
   * Ids nobody registered, and ids that try to smuggle delimiters or other devices into the topic (wildcards and NUL
   * are left out: MQTT forbids them in a PUBLISH topic [MQTT-3.3.2-2, MQTT-4.7.3-2] and the client refuses to send them).
   */
  private oddChildId(): FuzzMessage {
    const child = pick(this.random, this.childAddresses).deviceId;
    const id = pick(this.random, [
      `${child}x`,
      `${child.toUpperCase()}`,
      `fz-gw-ghost-${between(this.random, 0, 1e6)}`,
      `${child},device_id=fz-water-0`,
      `${child}/../fz-water-0`,
      `${child} `,
      '',
      'é',
      `${child}\t`,
      'x'.repeat(between(this.random, 65, 3000)),
    ]);
    return this.forbidden('odd child id', `sensors/water/${id}/telemetry`);
  }

  /** The ThingsBoard gateway API's shape: not this hub's contract, on a child's topic or on ThingsBoard's own topics. */
  private combinedPayload(): FuzzMessage {
    const child = pick(this.random, this.childAddresses);
    const entry = objectText(this.random, this.readings.valid().fields);
    const payload = Buffer.from(`{${JSON.stringify(child.deviceId)}:[${entry}]}`);
    if (this.random() < 0.5) {
      return { kind: 'combined payload on a child topic', topic: `sensors/${child.domain}/${child.deviceId}/telemetry`, payload, stored: [], duplicates: 0, deadLetters: [{ reasons: ['FIELD_UNKNOWN', 'METRICS_MISSING'], batchIndex: null }] };
    }
    const topic = pick(this.random, ['v1/gateway/telemetry', 'v1/gateway/connect', 'v1/gateway/disconnect', 'spBv1.0/county/DDATA/gw/child']);
    return { kind: 'gateway API topic', topic, payload, stored: [], duplicates: 0, deadLetters: [{ reasons: ['TOPIC_FORBIDDEN'], batchIndex: null }] };
  }

  /** A child reached or lost: taken, nothing stored, nothing refused. */
  private childStatus(): FuzzMessage {
    const child = pick(this.random, this.childAddresses);
    return { kind: 'child status', topic: `sensors/${child.domain}/${child.deviceId}/status`, payload: Buffer.from(pick(this.random, ['online', 'offline'])), stored: [], duplicates: 0, deadLetters: [] };
  }
}
