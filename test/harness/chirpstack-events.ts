/**
 * ChirpStack v4 integration events as its JSON marshaler writes them (the shape of
 * libs/decoders/src/fixtures/chirpstack-v4-up.json), for tests that play a network server.
 */
export interface ChirpStackUpInput {
  readonly applicationId: string;
  readonly devEui: string;
  readonly fCnt: number;
  readonly fPort?: number;
  readonly bytes: Uint8Array;
  readonly time?: Date;
}

export function chirpStackUpTopic(applicationId: string, devEui: string, eventType = 'up'): string {
  return `application/${applicationId}/device/${devEui}/event/${eventType}`;
}

export function chirpStackUpEvent(input: ChirpStackUpInput): string {
  return JSON.stringify({
    deduplicationId: `00000000-0000-4000-8000-${input.fCnt.toString(16).padStart(12, '0')}`,
    time: (input.time ?? new Date()).toISOString(),
    deviceInfo: {
      tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
      tenantName: 'County Water',
      applicationId: input.applicationId,
      applicationName: 'district-meters',
      deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
      deviceProfileName: 'WM-11 water meter',
      deviceName: `meter-${input.devEui}`,
      devEui: input.devEui,
    },
    devAddr: '01a2b3c4',
    adr: true,
    dr: 3,
    fCnt: input.fCnt,
    fPort: input.fPort ?? 2,
    confirmed: false,
    data: Buffer.from(input.bytes).toString('base64'),
    rxInfo: [{ gatewayId: '0016c001f153a14c', uplinkId: 4217106255, rssi: -112, snr: -4.5, channel: 2, crcStatus: 'CRC_OK' }],
    txInfo: { frequency: 868500000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 9, codeRate: 'CR_4_5' } } },
  });
}

/** DevEUI number `index` of a test fleet: 16 lower-case hex digits. */
export function testDevEui(index: number): string {
  return `70b3d5e75e${index.toString(16).padStart(6, '0')}`;
}
