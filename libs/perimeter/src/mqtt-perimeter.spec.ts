import { RecordingLogger } from '@hub/common/testing';
import { MqttPerimeter, PerimeterClient } from './mqtt-perimeter';

class FakeClient implements PerimeterClient {
  closed = false;
  constructor(readonly id: string) {}
  close(): void {
    this.closed = true;
  }
}

describe('MqttPerimeter', () => {
  let logger: RecordingLogger;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    logger = new RecordingLogger();
  });

  afterEach(() => jest.useRealTimers());

  const perimeter = (settings: Partial<ConstructorParameters<typeof MqttPerimeter>[0]> = {}) =>
    new MqttPerimeter<FakeClient>({ publishRate: null, connectRate: null, loginBackoff: null, ...settings }, logger);

  it('closes connections over the per-address rate at accept, counting each and logging once a minute per address', () => {
    const gate = perimeter({ connectRate: { perSecond: 0.001, burst: 3 } });
    const answers = Array.from({ length: 10 }, () => gate.admitConnection('::ffff:127.0.0.1'));
    expect(answers).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(gate.admitConnection('192.0.2.9')).toBe(true);
    expect(gate.stats.connectionsThrottled).toBe(7);
    expect(logger.messages('warn')).toEqual(['Too many new MQTT connections from one address: closing them at accept']);
    expect(logger.entries[0].message).toMatchObject({ address: '127.0.0.1', limit: '0.001/s, burst 3', closedSinceLastReport: 0 });
    jest.setSystemTime(1_060_000);
    gate.sweep();
    expect(logger.entries[1].message).toEqual({ msg: 'More MQTT connections closed at accept', address: '127.0.0.1', closed: 6 });
  });

  it('counts connections closed on the PROXY port by reason, logs refusals once a minute per peer, and only counts LOCAL', () => {
    const gate = perimeter();
    gate.proxyHeaderClosed('local', '10.0.0.2', null);
    gate.proxyHeaderClosed('missing', '10.0.0.2', 'the connection began with an MQTT CONNECT');
    gate.proxyHeaderClosed('missing', '10.0.0.2', 'the connection began with an MQTT CONNECT');
    gate.proxyHeaderClosed('timeout', '10.0.0.2', 'no complete PROXY v2 header within 5000 ms (3 bytes received)');
    expect(gate.stats.proxyLocalConnections).toBe(1);
    expect([...gate.stats.proxyHeadersRefused]).toEqual([['missing', 2], ['timeout', 1]]);
    expect(logger.entries.map((entry) => entry.message)).toEqual([
      { msg: 'Closing a connection on the PROXY port: no valid PROXY v2 header', peer: '10.0.0.2', reason: 'missing', detail: 'the connection began with an MQTT CONNECT', closedSinceLastReport: 0 },
    ]);
    jest.setSystemTime(1_060_000);
    gate.sweep();
    expect(logger.entries[1].message).toEqual({ msg: 'More connections closed on the PROXY port', peer: '10.0.0.2', closed: 2 });
  });

  it('puts an address in back-off after repeated refused logins, and refuses it without counting those as failures', () => {
    const gate = perimeter({ loginBackoff: { failures: 3, windowMs: 60_000, blockMs: 30_000 } });
    const refusal = { refused: 'bad-username-or-password', detail: 'wrong secret' } as const;
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(gate.loginBlocked('192.0.2.1')).toBe(false);
      gate.loginRefused('192.0.2.1', 'water.scada', 'water.scada', refusal);
    }
    expect([gate.loginBlocked('192.0.2.1'), gate.loginBlocked('192.0.2.1'), gate.loginBlocked('192.0.2.2')]).toEqual([true, true, false]);
    expect(gate.blockedAddresses()).toBe(1);
    expect(gate.stats).toMatchObject({ loginsRefusedInBackoff: 2, backoffsStarted: 1 });
    expect(gate.stats.loginsRefused.get('bad-username-or-password')).toBe(3);
    expect(logger.messages('warn')).toEqual(['MQTT login refused', 'MQTT logins from this address refused for 30 s after 3 refused logins within 60 s']);
    // Never the password: the entry holds what the operator needs and nothing else.
    expect(logger.entries[0].message).toEqual({
      msg: 'MQTT login refused',
      address: '192.0.2.1',
      clientId: 'water.scada',
      username: 'water.scada',
      code: 'bad-username-or-password',
      detail: 'wrong secret',
      refusedSinceLastReport: 0,
    });
    jest.setSystemTime(1_030_000);
    expect(gate.loginBlocked('192.0.2.1')).toBe(false);
  });

  it('counts HTTP ingest login refusals apart from MQTT ones, while both fill one back-off per address', () => {
    const gate = perimeter({ loginBackoff: { failures: 3, windowMs: 60_000, blockMs: 30_000 } });
    const refusal = { refused: 'bad-username-or-password', reason: 'wrong-secret', detail: 'wrong secret for device w-1' } as const;
    gate.loginRefused('192.0.2.1', 'w-1', 'w-1', refusal, 'http');
    gate.loginRefused('192.0.2.1', 'w-1', 'w-1', { refused: 'not-authorized', reason: 'disabled', detail: 'device w-1 is disabled' }, 'http');
    gate.loginRefused('192.0.2.1', 'w-1', 'w-1', refusal);
    expect([gate.loginBlocked('192.0.2.1', 'http'), gate.loginBlocked('192.0.2.1')]).toEqual([true, true]);
    expect([...gate.stats.httpLoginsRefused]).toEqual([
      ['bad-username-or-password', 1],
      ['not-authorized', 1],
    ]);
    expect([...gate.stats.loginsRefused]).toEqual([['bad-username-or-password', 1]]);
    expect(gate.stats).toMatchObject({ httpLoginsRefusedInBackoff: 1, loginsRefusedInBackoff: 1, backoffsStarted: 1 });
    expect(logger.entries[0].message).toMatchObject({ msg: 'HTTP ingest login refused', clientId: 'w-1', code: 'bad-username-or-password', reason: 'wrong-secret' });
  });

  it('slows a client over its rate, logs that once a minute, and disconnects it when it never lets up', () => {
    const gate = perimeter({ publishRate: { perSecond: 10, burst: 2, abuseAfterMs: 3000 } });
    const flooder = new FakeClient('flood-1');
    let proceeded = 0;
    const sendBatch = (): void => {
      let pending = 5;
      for (let index = 0; index < 5 && !flooder.closed; index++) gate.throttlePublish(flooder, () => --pending === 0 && setTimeout(sendBatch, 0));
    };
    for (let index = 0; index < 5; index++) gate.throttlePublish(flooder, () => proceeded++);
    expect(proceeded).toBe(2);
    expect(gate.throttledClients).toBe(1);
    jest.advanceTimersByTime(300);
    expect(proceeded).toBe(5);
    sendBatch();
    jest.advanceTimersByTime(4000);
    expect(flooder.closed).toBe(true);
    expect(gate.stats.rateLimitDisconnects).toBe(1);
    expect(gate.stats.messagesThrottled).toBeGreaterThan(20);
    expect(logger.messages('warn')).toEqual([
      'MQTT client over its publish rate limit: reading its messages more slowly',
      'Disconnecting an MQTT client that stayed over its publish rate limit',
    ]);
    // A will comes after the connection closed: not held.
    let will = false;
    gate.throttlePublish(flooder, () => (will = true));
    expect(will).toBe(true);
  });
});
