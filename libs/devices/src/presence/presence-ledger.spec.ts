import { PresenceLedger } from './presence-ledger';

const SILENCE = 10_000;

describe('PresenceLedger', () => {
  let ledger: PresenceLedger;

  beforeEach(() => {
    ledger = new PresenceLedger('a', SILENCE);
  });

  it('says a node is new the first time it is heard, and again after it was declared dead', () => {
    expect(ledger.heard('b', 0)).toBe(true);
    expect(ledger.heard('b', 2000)).toBe(false);
    expect(ledger.isAlive('b')).toBe(true);
    for (let now = 3000; now <= 13_000; now += 1000) {
      ledger.heard('a', now);
      ledger.expire(now);
    }
    expect(ledger.isAlive('b')).toBe(false);
    expect(ledger.heard('b', 14_000)).toBe(true);
  });

  it('lets the newest connection hold a device: an older online claim arriving late loses', () => {
    expect(ledger.claimOnline('pump-1', 'b', 1000)).toBe(true);
    expect(ledger.claimOnline('pump-1', 'c', 2000)).toBe(true);
    expect(ledger.claimOnline('pump-1', 'b', 1500)).toBe(false);
    expect(ledger.holderOf('pump-1')).toEqual({ node: 'c', since: 2000 });
  });

  it('ignores the old node’s "disconnected" after the device moved, and takes the holder’s own', () => {
    ledger.claimOnline('pump-1', 'b', 1000);
    ledger.claimOnline('pump-1', 'c', 2000);
    expect(ledger.claimOffline('pump-1', 'b', 1000)).toBe(false);
    expect(ledger.holderOf('pump-1')).toEqual({ node: 'c', since: 2000 });
    expect(ledger.claimOffline('pump-1', 'c', 2000)).toBe(true);
    expect(ledger.holderOf('pump-1')).toBeUndefined();
  });

  it('ignores the end of an older connection on the same node once a newer one holds the device', () => {
    ledger.claimOnline('pump-1', 'b', 1000);
    ledger.claimOnline('pump-1', 'b', 3000);
    expect(ledger.claimOffline('pump-1', 'b', 1000)).toBe(false);
    expect(ledger.claimOffline('pump-1', 'b', null)).toBe(true);
  });

  it('declares a node silent past the silence dead once, with exactly the devices it still held', () => {
    ledger.heard('b', 0);
    ledger.heard('c', 0);
    ledger.claimOnline('pump-1', 'b', 100);
    ledger.claimOnline('pump-2', 'b', 200);
    ledger.claimOnline('pump-3', 'b', 300);
    // pump-2 reconnected to c before b died: c's connection wins, b's death does not touch it.
    ledger.claimOnline('pump-2', 'c', 5000);
    const deaths: string[] = [];
    for (let now = 1000; now <= 16_000; now += 1000) {
      ledger.heard('a', now);
      ledger.heard('c', now);
      for (const death of ledger.expire(now)) deaths.push(`${now} ${death.node}: ${death.devices.map((device) => `${device.deviceId}@${device.since}`).join(',')}`);
    }
    expect(deaths).toEqual(['11000 b: pump-1@100,pump-3@300']);
    expect(ledger.holderOf('pump-1')).toBeUndefined();
    expect(ledger.holderOf('pump-2')).toEqual({ node: 'c', since: 5000 });
    expect(ledger.heldBy('b')).toEqual([]);
  });

  it('never declares itself dead', () => {
    ledger.heard('a', 0);
    ledger.claimOnline('pump-1', 'a', 0);
    for (let now = 1000; now <= 30_000; now += 1000) expect(ledger.expire(now)).toEqual([]);
    expect(ledger.holderOf('pump-1')).toEqual({ node: 'a', since: 0 });
  });

  it('gives every node a fresh grace after this process itself was frozen, instead of declaring them dead', () => {
    ledger.heard('b', 0);
    ledger.claimOnline('pump-1', 'b', 0);
    ledger.heard('a', 1000);
    ledger.expire(1000);
    // Frozen for 20 s: b's heartbeats (and our own) are still unread in the socket.
    expect(ledger.expire(21_000)).toEqual([]);
    ledger.heard('a', 21_020);
    ledger.heard('b', 21_050);
    expect(ledger.expire(22_000)).toEqual([]);
    // Silent for real afterwards: dead a silence after the last message.
    const deaths = [];
    for (let now = 23_000; now <= 32_000; now += 1000) {
      ledger.heard('a', now);
      deaths.push(...ledger.expire(now));
    }
    expect(deaths).toEqual([{ node: 'b', devices: [{ deviceId: 'pump-1', since: 0 }] }]);
  });

  it('declares nobody dead while its own messages do not come back (the bus is down), and gives all a fresh grace after', () => {
    ledger.heard('a', 0);
    ledger.heard('b', 0);
    ledger.claimOnline('pump-1', 'b', 0);
    // Redis down from 1 s to 30 s: neither b's messages nor ours arrive.
    for (let now = 1000; now <= 30_000; now += 1000) expect([now, ledger.expire(now)]).toEqual([now, []]);
    expect(ledger.busWorks(30_000)).toBe(false);
    ledger.heard('a', 30_500);
    expect(ledger.busWorks(30_500)).toBe(true);
    // b died during the outage: declared dead a silence after the bus came back.
    const deaths: Array<[number, string]> = [];
    for (let now = 31_000; now <= 42_000; now += 1000) {
      ledger.heard('a', now);
      for (const death of ledger.expire(now)) deaths.push([now, death.node]);
    }
    expect(deaths).toEqual([[41_000, 'b']]);
  });
});
