/**
 * A ChirpStack v4 `up` integration event as its JSON marshaler writes it (the protobuf JSON mapping: camelCase, bytes
 * as base64, zero values left out), shaped after libs/decoders/src/fixtures/chirpstack-v4-up.json and
 * https://www.chirpstack.io/docs/chirpstack/integrations/events.html. Pure: the caller supplies every identifier.
 */
export interface ChirpStackDeviceInfo {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly applicationId: string;
  readonly applicationName: string;
  readonly deviceProfileId: string;
  readonly deviceProfileName: string;
  readonly deviceName: string;
  /** 16 lower-case hex digits. */
  readonly devEui: string;
}

/** One gateway's reception of the frame. */
export interface GatewayReception {
  readonly gatewayId: string;
  readonly uplinkId: number;
  /** dBm, whole. */
  readonly rssi: number;
  /** dB, in the 0.25 dB steps of LoRa concentrators. */
  readonly snr: number;
  readonly channel: number;
  /** The concentrator's timestamp context, 4 bytes. */
  readonly context: Uint8Array;
}

export interface ChirpStackUpInput {
  readonly deduplicationId: string;
  /** Reception time, epoch ms. */
  readonly time: number;
  readonly deviceInfo: ChirpStackDeviceInfo;
  /** 8 hex digits. */
  readonly devAddr: string;
  readonly fCnt: number;
  readonly fPort: number;
  readonly bytes: Uint8Array;
  /** EU868 data rate 0–5 (SF12–SF7 at 125 kHz). */
  readonly dr: number;
  readonly frequency: number;
  readonly receptions: readonly GatewayReception[];
}

export function chirpStackUpTopic(applicationId: string, devEui: string): string {
  return `application/${applicationId}/device/${devEui}/event/up`;
}

/**
 * ChirpStack writes the event time with nanoseconds and a numeric zone (2026-12-05T08:15:42.301948712+00:00);
 * the simulator's clock has milliseconds, so the last six digits are zeros.
 */
export function chirpStackTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000000+00:00`;
}

export function buildChirpStackUpEvent(input: ChirpStackUpInput): Record<string, unknown> {
  return {
    deduplicationId: input.deduplicationId,
    time: chirpStackTime(input.time),
    deviceInfo: {
      tenantId: input.deviceInfo.tenantId,
      tenantName: input.deviceInfo.tenantName,
      applicationId: input.deviceInfo.applicationId,
      applicationName: input.deviceInfo.applicationName,
      deviceProfileId: input.deviceInfo.deviceProfileId,
      deviceProfileName: input.deviceInfo.deviceProfileName,
      deviceName: input.deviceInfo.deviceName,
      devEui: input.deviceInfo.devEui,
      deviceClassEnabled: 'CLASS_A',
    },
    devAddr: input.devAddr,
    adr: true,
    ...nonZero('dr', input.dr),
    // fCnt 0 (the first uplink after a join) is a zero value, so the marshaler leaves it out.
    ...nonZero('fCnt', input.fCnt),
    ...nonZero('fPort', input.fPort),
    confirmed: true,
    ...(input.bytes.length === 0 ? {} : { data: Buffer.from(input.bytes).toString('base64') }),
    rxInfo: input.receptions.map((reception) => ({
      gatewayId: reception.gatewayId,
      uplinkId: reception.uplinkId,
      time: new Date(input.time).toISOString(),
      rssi: reception.rssi,
      // Always written, even 0: @hub/decoders' link quality skips a reception without a numeric snr.
      snr: reception.snr,
      ...nonZero('channel', reception.channel),
      context: Buffer.from(reception.context).toString('base64'),
      metadata: { region_config_id: 'eu868', region_common_name: 'EU868' },
      crcStatus: 'CRC_OK',
    })),
    txInfo: {
      frequency: input.frequency,
      modulation: { lora: { bandwidth: 125000, spreadingFactor: 12 - input.dr, codeRate: 'CR_4_5' } },
    },
  };
}

function nonZero<K extends string>(key: K, value: number): Partial<Record<K, number>> {
  return value === 0 ? {} : ({ [key]: value } as Record<K, number>);
}
