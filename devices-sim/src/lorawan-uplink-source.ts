import { MetricCatalogue } from '@hub/contract';
import { boundedNoise, deriveSeed, mulberry32, Random } from '@hub/common';
import type { DecoderRefusalReason } from '@hub/decoders';
import { buildChirpStackUpEvent, ChirpStackDeviceInfo, GatewayReception } from './chirpstack-up-event';
import { LoRaWanDevicePlan, LoRaWanFleet, seededUuid } from './lorawan-fleet';
import { createDeviceProfile, DeviceProfile, generateMetrics } from './reading-generator';
import { CODEC_ERROR_F_PORT, DeviceUplinkFaultPlan, UPLINK_FAULT_EXPECTED_REFUSAL, UplinkFaultMode, UplinkFaultSpec } from './uplink-fault-plan';
import { encodeWaterMeterFrame, flowAsDecoded, NO_ALARMS, WATER_METER_F_PORT, WATER_METER_MAX_FLOW_M3H } from './water-meter-frame';

/** One uplink as the simulated network server sent it; tests compare these with what the hub stored. */
export interface SentUplink {
  readonly deviceId: string;
  readonly devEui: string;
  /** 1-based number of the uplink on its device (the numbering fault windows use). */
  readonly reading: number;
  readonly fCnt: number;
  readonly fPort: number;
  /** The event's `time`, epoch ms: the reading's event time. */
  readonly time: number;
  /** What the hub should store from it (the codec's flow_m3h mapped to the catalogue's); absent when refused. */
  readonly metrics?: { readonly flow_m3h: number };
  /** What the hub's decoder should answer instead, for an undecodable frame or a failing codec. */
  readonly expectedRefusal?: DecoderRefusalReason;
  readonly fault?: UplinkFaultMode;
  /** Best RSSI and SNR over the gateways that heard it, and how many did (what @hub/decoders reads from rxInfo). */
  readonly link: { readonly rssi: number; readonly snr: number; readonly gateways: number };
  /** Times the event was published: 2 for a duplicate fCnt. */
  publishes: number;
  /** Published after an uplink of the same device with a higher fCnt. */
  outOfOrder: boolean;
  /** Set once the broker acknowledged a publish of it. */
  acked: boolean;
}

/** One MQTT publish of an up event. */
export interface UplinkPublish {
  readonly uplink: SentUplink;
  readonly payload: string;
  /** The second publish of a duplicate-fcnt uplink. */
  readonly repeat: boolean;
}

export interface UplinkSourceConfig {
  readonly device: LoRaWanDevicePlan;
  readonly fleet: Pick<LoRaWanFleet, 'tenantId' | 'applicationId' | 'deviceProfileId' | 'gatewayIds'>;
  readonly seed: number;
  readonly intervalMs: number;
  /** Event time of uplink 1. */
  readonly startTs: number;
  /** Uplinks per device before the source is exhausted; undefined = endless. */
  readonly count?: number;
  readonly faults: readonly UplinkFaultSpec[];
  readonly catalogue?: MetricCatalogue;
}

export const APPLICATION_NAME = 'county-water-meters';
export const DEVICE_PROFILE_NAME = 'WM-11 water meter';
const EU868_CHANNELS = [868_100_000, 868_300_000, 868_500_000];

/**
 * The pure heart of a LoRaWAN water meter behind ChirpStack: turns uplink slots into up events. No timers, no I/O.
 * Flow comes from the water domain's reading generator (flow_m3h), the register integrates it, battery and
 * temperature drift slowly; radio figures come from a stream of their own so faults never change the readings.
 */
export class LoRaWanUplinkSource {
  private readonly random: Random;
  private readonly radio: Random;
  private readonly profile: DeviceProfile;
  private readonly faults: DeviceUplinkFaultPlan;
  private readonly deviceInfo: ChirpStackDeviceInfo;
  private readonly firstFCnt: number;
  private readonly baseRssi: number;
  private readonly gateways: number;
  private readonly batteryMv: number;
  private readonly temperatureC: number;
  private volumeL: number;
  private nextReading = 1;
  private highestFCntSent = -1;
  /** Buffered by a gateway (out-of-order), sent once `releaseAfter` went out. */
  private held: SentUplink[] = [];
  private heldPayloads: string[] = [];
  private releaseAfter = 0;

  constructor(private readonly config: UplinkSourceConfig) {
    const { target } = config.device;
    // The device id's own stream, as TelemetryMessageSource uses: a water device's flow is the same in both modes.
    this.random = mulberry32(deriveSeed(config.seed, target.deviceId));
    this.profile = createDeviceProfile(target.domain, this.random, config.catalogue ?? MetricCatalogue.BUILT_IN);
    this.radio = mulberry32(deriveSeed(config.seed, `${target.deviceId}/radio`));
    this.faults = new DeviceUplinkFaultPlan(target, config.faults);
    this.firstFCnt = Math.floor(this.radio() * 5000);
    this.volumeL = Math.floor(this.radio() * 5_000_000);
    this.baseRssi = -118 + this.radio() * 30;
    this.gateways = Math.min(config.fleet.gatewayIds.length, 1 + Math.floor(this.radio() * 3));
    this.batteryMv = 3500 + Math.floor(this.radio() * 150);
    this.temperatureC = 8 + Math.floor(this.radio() * 6);
    this.deviceInfo = {
      tenantId: config.fleet.tenantId,
      tenantName: 'County Water',
      applicationId: config.fleet.applicationId,
      applicationName: APPLICATION_NAME,
      deviceProfileId: config.fleet.deviceProfileId,
      deviceProfileName: DEVICE_PROFILE_NAME,
      deviceName: target.deviceId,
      devEui: config.device.devEui,
    };
  }

  get exhausted(): boolean {
    return this.config.count !== undefined && this.nextReading > this.config.count && this.held.length === 0;
  }

  /** The publishes of the next uplink slot (none while a gateway holds it); after the last slot, what is still held. */
  next(): UplinkPublish[] {
    if (this.config.count !== undefined && this.nextReading > this.config.count) return this.release();
    const number = this.nextReading++;
    const fault = this.faults.faultOf(number);
    const { uplink, payload } = this.uplink(number, fault?.mode);
    if (fault?.mode === 'out-of-order') {
      this.held.push(uplink);
      this.heldPayloads.push(payload);
      this.releaseAfter = number + (fault.after ?? 1);
      return [];
    }
    const publishes = [this.sent(uplink, payload, false)];
    if (fault?.mode === 'duplicate-fcnt') publishes.push(this.sent(uplink, payload, true));
    if (this.held.length > 0 && number >= this.releaseAfter) publishes.push(...this.release());
    return publishes;
  }

  private release(): UplinkPublish[] {
    const released = this.held.map((uplink, index) => this.sent(uplink, this.heldPayloads[index], false));
    this.held = [];
    this.heldPayloads = [];
    return released;
  }

  private sent(uplink: SentUplink, payload: string, repeat: boolean): UplinkPublish {
    uplink.publishes++;
    if (!repeat) {
      if (uplink.fCnt < this.highestFCntSent) uplink.outOfOrder = true;
      this.highestFCntSent = Math.max(this.highestFCntSent, uplink.fCnt);
    }
    return { uplink, payload, repeat };
  }

  private uplink(number: number, fault: UplinkFaultMode | undefined): { uplink: SentUplink; payload: string } {
    const { config } = this;
    const time = config.startTs + (number - 1) * config.intervalMs;
    // The frame's uint16 tops out at 655.35 m³/h; a flow beyond it is beyond this meter model too.
    const flowM3h = Math.min(WATER_METER_MAX_FLOW_M3H, Math.max(0, generateMetrics(this.profile, time, this.random).flow_m3h ?? 0));
    const frame = encodeWaterMeterFrame({
      volumeL: Math.floor(this.volumeL) % 0x1_0000_0000,
      flowM3h,
      batteryMv: this.batteryMv - Math.round(this.radio() * 5),
      alarms: NO_ALARMS,
      temperatureC: this.temperatureC + Math.round(boundedNoise(this.radio)),
    });
    // m³/h over intervalMs, in litres: flow × 1000 L / 3 600 000 ms.
    this.volumeL += (flowM3h * config.intervalMs) / 3600;
    const receptions = this.receptions();
    const fCnt = this.firstFCnt + number - 1;
    const bytes = fault === 'undecodable' ? undecodable(frame, number) : frame;
    const fPort = fault === 'codec-error' ? CODEC_ERROR_F_PORT : WATER_METER_F_PORT;
    const expectedRefusal = fault === undefined ? undefined : UPLINK_FAULT_EXPECTED_REFUSAL[fault];
    const event = buildChirpStackUpEvent({
      deduplicationId: seededUuid(config.seed, `${config.device.devEui}/${fCnt}`),
      time,
      deviceInfo: this.deviceInfo,
      devAddr: config.device.devAddr,
      fCnt,
      fPort,
      bytes,
      dr: this.baseRssi > -100 ? 5 : this.baseRssi > -110 ? 3 : 0,
      frequency: EU868_CHANNELS[fCnt % EU868_CHANNELS.length],
      receptions,
    });
    const uplink: SentUplink = {
      deviceId: config.device.target.deviceId,
      devEui: config.device.devEui,
      reading: number,
      fCnt,
      fPort,
      time,
      ...(expectedRefusal === undefined ? { metrics: { flow_m3h: flowAsDecoded(flowM3h) } } : { expectedRefusal }),
      ...(fault === undefined ? {} : { fault }),
      link: {
        rssi: Math.max(...receptions.map((reception) => reception.rssi)),
        snr: Math.max(...receptions.map((reception) => reception.snr)),
        gateways: receptions.length,
      },
      publishes: 0,
      outOfOrder: false,
      acked: false,
    };
    return { uplink, payload: JSON.stringify(event) };
  }

  /** The device's gateways, the nearest first: weaker and noisier further out; SNR in the concentrators' 0.25 dB steps. */
  private receptions(): GatewayReception[] {
    return this.config.fleet.gatewayIds.slice(0, this.gateways).map((gatewayId, index) => {
      const rssi = Math.round(this.baseRssi - 6 * index + boundedNoise(this.radio) * 4);
      const snr = Math.round(Math.min(10, Math.max(-20, (rssi + 115) / 2.5 + boundedNoise(this.radio) * 2)) * 4) / 4 + 0; // + 0 turns a rounded -0 into 0
      return {
        gatewayId,
        uplinkId: Math.floor(this.radio() * 0x1_0000_0000),
        rssi,
        snr,
        channel: Math.floor(this.radio() * EU868_CHANNELS.length),
        context: Uint8Array.from({ length: 4 }, () => Math.floor(this.radio() * 256)),
      };
    });
  }
}

/** A frame the codec refuses: odd uplinks cut to 7 bytes, even ones announcing frame type 0x02. */
function undecodable(frame: Uint8Array, number: number): Uint8Array {
  if (number % 2 === 1) return frame.slice(0, 7);
  const retyped = frame.slice();
  retyped[0] = 0x02;
  return retyped;
}
