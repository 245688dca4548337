import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adaptChirpStackEvent, parseChirpStackTopic } from './chirpstack-v4.adapter';
import { adaptThingsStackMessage } from './things-stack-v3.adapter';
import { AdaptedEvent } from './uplink';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures', name));
const fixtureJson = (name: string) => JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const arrivedAt = new Date('2026-12-05T08:15:43.000Z');
const FRAME = Buffer.from('010001E24001F40E10050C', 'hex');

describe('ChirpStack v4 adapter', () => {
  const adapt = (payload: Uint8Array, eventType?: string) => adaptChirpStackEvent(payload, { eventType, arrivedAt });

  it('reads an up event: DevEUI, fPort, fCnt, the frame, the event time and the best link of two gateways', () => {
    expect(adapt(fixture('chirpstack-v4-up.json'), 'up')).toEqual({
      kind: 'uplink',
      uplink: {
        devEui: '70b3d5e75e00a017',
        fPort: 2,
        fCnt: 1842,
        bytes: new Uint8Array(FRAME),
        receivedAt: new Date('2026-12-05T08:15:42.301Z'),
        timeFromNetworkServer: true,
        link: { rssi: -97, snr: 2.25, gateways: 2 },
      },
    });
    // Without the topic's type the fields say it is an up event.
    expect(adapt(fixture('chirpstack-v4-up.json'))).toEqual(adapt(fixture('chirpstack-v4-up.json'), 'up'));
  });

  it('counts a gateway whose SNR was 0 dB (left out, as protobuf JSON leaves zero values out) and skips one without RSSI', () => {
    const event = fixtureJson('chirpstack-v4-up.json');
    const receptions = [{ gatewayId: 'a', rssi: -120 }, { gatewayId: 'b', rssi: -101, snr: -3 }, { gatewayId: 'c', snr: 5 }];
    const adapted = adapt(bytes({ ...event, rxInfo: receptions }), 'up');
    expect(adapted.kind === 'uplink' && adapted.uplink.link).toEqual({ rssi: -101, snr: 0, gateways: 2 });
  });

  it('keeps ChirpStack\'s own decoded object, and reads the documented example whose fCnt 0 is left out', () => {
    expect(adapt(fixture('chirpstack-v4-up-decoded.json'))).toEqual({
      kind: 'uplink',
      uplink: {
        devEui: '0101010101010101',
        fPort: 1,
        fCnt: 0,
        bytes: new Uint8Array([0xaa]),
        preDecoded: { pressure: 412.5, battery: 3.61 },
        receivedAt: new Date('2022-07-18T09:34:15.775Z'),
        timeFromNetworkServer: true,
        link: { rssi: -36, snr: 10.5, gateways: 1 },
      },
    });
  });

  it('recognises join, status, ack, txack and log events as not uplinks, from the topic or from their fields', () => {
    for (const type of ['join', 'status', 'ack', 'txack', 'log']) {
      expect([type, adapt(fixture(`chirpstack-v4-${type}.json`))]).toEqual([type, { kind: 'not-uplink', event: type }]);
      expect([type, adapt(fixture(`chirpstack-v4-${type}.json`), type)]).toEqual([type, { kind: 'not-uplink', event: type }]);
    }
    expect(adapt(bytes({ deviceInfo: { devEui: '0101010101010101' } }), 'location')).toEqual({ kind: 'not-uplink', event: 'location' });
  });

  it('parses the MQTT topic and refuses an event whose DevEUI is not the topic\'s', () => {
    expect(parseChirpStackTopic('application/17c82e96-be03-4f38-aef3-f83d48582d97/device/70B3D5E75E00A017/event/up')).toEqual({
      applicationId: '17c82e96-be03-4f38-aef3-f83d48582d97',
      devEui: '70b3d5e75e00a017',
      eventType: 'up',
    });
    expect(parseChirpStackTopic('application/x/device/70b3d5e75e00a017/command/down')).toBeUndefined();
    expect(adaptChirpStackEvent(fixture('chirpstack-v4-up.json'), { eventType: 'up', topicDevEui: '0101010101010101', arrivedAt })).toEqual({
      kind: 'refused',
      reason: 'EVENT_MALFORMED',
      detail: "deviceInfo.devEui 70b3d5e75e00a017 is not the topic's 0101010101010101",
    });
  });

  it('takes the arrival time when the event has none, and an empty frame when it has no data', () => {
    const event = fixtureJson('chirpstack-v4-up.json');
    delete event.time;
    delete event.data;
    delete event.rxInfo;
    expect(adapt(bytes(event), 'up')).toEqual({
      kind: 'uplink',
      uplink: { devEui: '70b3d5e75e00a017', fPort: 2, fCnt: 1842, bytes: new Uint8Array(0), receivedAt: arrivedAt, timeFromNetworkServer: false },
    });
  });

  it('refuses malformed events with the field that is wrong', () => {
    const up = fixtureJson('chirpstack-v4-up.json');
    const cases: Array<[unknown, AdaptedEvent]> = [
      [{ ...up, deviceInfo: undefined }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'deviceInfo is missing or not an object' }],
      [{ ...up, deviceInfo: { devEui: '70b3d5e75e00a0' } }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'deviceInfo.devEui "70b3d5e75e00a0" is not 16 hex digits' }],
      [{ ...up, fPort: 256 }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'fPort 256 is not a whole number from 0 to 255' }],
      [{ ...up, fCnt: '12' }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'fCnt "12" is not a whole number from 0 to 4294967295' }],
      [{ ...up, data: 'AQAB*kAB' }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'data: not base64: "AQAB*kAB"' }],
      [{ ...up, data: 12 }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'data 12 is not base64' }],
      [{ ...up, object: [1] }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'object is [1], not an object' }],
      [{ ...up, time: 'yesterday' }, { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'time "yesterday" is not an ISO 8601 date-time with a zone' }],
      [[up], { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'the event is not a JSON object' }],
    ];
    for (const [event, expected] of cases) expect(adapt(bytes(event), 'up')).toEqual(expected);
    // Without the topic's type, an event with no deviceInfo cannot even be told apart.
    expect(adapt(bytes({ ...up, deviceInfo: undefined }))).toEqual({
      kind: 'refused',
      reason: 'EVENT_MALFORMED',
      detail: 'not a ChirpStack v4 event: no deviceInfo, and no field that names the event type',
    });
    expect(adapt(bytes(up), 'bogus')).toEqual({ kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'unknown ChirpStack event type "bogus"' });
    expect(adapt(Buffer.from('{"deviceInfo":'))).toEqual({ kind: 'refused', reason: 'EVENT_NOT_JSON', detail: expect.stringMatching(/JSON/) });
  });
});

describe('The Things Stack v3 adapter', () => {
  const adapt = (payload: Uint8Array) => adaptThingsStackMessage(payload, { arrivedAt });

  it('reads an uplink message: DevEUI lower-cased, the Network Server\'s receive time, decoded_payload kept', () => {
    expect(adapt(fixture('things-stack-v3-uplink.json'))).toEqual({
      kind: 'uplink',
      uplink: {
        devEui: '0004a30b001c0530',
        fPort: 2,
        fCnt: 77,
        bytes: new Uint8Array(FRAME),
        preDecoded: { volume_l: 123456, flow_m3h: 5 },
        receivedAt: new Date('2026-12-05T08:20:00.789Z'),
        timeFromNetworkServer: true,
        link: { rssi: -35, snr: 5.2, gateways: 1 },
      },
    });
  });

  it('reads left-out zero values as zero (TTS omits "", 0 and false), and the message time when the uplink has none', () => {
    const message = fixtureJson('things-stack-v3-uplink.json');
    const uplink = message.uplink_message as Record<string, unknown>;
    delete uplink.f_cnt;
    delete uplink.received_at;
    delete uplink.decoded_payload;
    delete uplink.rx_metadata;
    expect(adapt(bytes(message))).toEqual({
      kind: 'uplink',
      uplink: {
        devEui: '0004a30b001c0530',
        fPort: 2,
        fCnt: 0,
        bytes: new Uint8Array(FRAME),
        receivedAt: new Date('2026-12-05T08:20:01.014Z'),
        timeFromNetworkServer: true,
      },
    });
  });

  it('recognises join-accept and downlink events as not uplinks', () => {
    expect(adapt(fixture('things-stack-v3-join-accept.json'))).toEqual({ kind: 'not-uplink', event: 'join_accept' });
    expect(adapt(fixture('things-stack-v3-downlink-ack.json'))).toEqual({ kind: 'not-uplink', event: 'downlink_ack' });
  });

  it('refuses malformed messages with the field that is wrong', () => {
    const message = fixtureJson('things-stack-v3-uplink.json');
    const ids = message.end_device_ids as Record<string, unknown>;
    const uplink = message.uplink_message as Record<string, unknown>;
    const cases: Array<[unknown, string]> = [
      [{ ...message, end_device_ids: { ...ids, dev_eui: undefined } }, 'end_device_ids.dev_eui is missing (device_id "pressure-logger-12"): the hub knows LoRaWAN devices by DevEUI'],
      [{ ...message, end_device_ids: { ...ids, dev_eui: 'not-an-eui' } }, 'end_device_ids.dev_eui "not-an-eui" is not 16 hex digits'],
      [{ ...message, end_device_ids: undefined }, 'end_device_ids is missing or not an object'],
      [{ ...message, uplink_message: 'x' }, 'uplink_message is not an object'],
      [{ ...message, uplink_message: { ...uplink, f_port: -1 } }, 'uplink_message.f_port -1 is not a whole number from 0 to 255'],
      [{ ...message, uplink_message: { ...uplink, frm_payload: 'A' } }, 'uplink_message.frm_payload: not base64: "A"'],
      [{ ...message, uplink_message: { ...uplink, received_at: '2026-12-05' } }, 'uplink_message.received_at "2026-12-05" is not an ISO 8601 date-time with a zone'],
      [{ end_device_ids: ids, correlation_ids: [] }, expect.stringMatching(/^not a The Things Stack message: none of uplink_message, join_accept, /) as unknown as string],
    ];
    for (const [event, detail] of cases) expect(adapt(bytes(event))).toEqual({ kind: 'refused', reason: 'EVENT_MALFORMED', detail });
    expect(adapt(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({ kind: 'refused', reason: 'EVENT_NOT_JSON', detail: expect.any(String) });
  });
});
