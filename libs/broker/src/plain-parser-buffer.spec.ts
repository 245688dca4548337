import { BufferList, BufferListStream } from 'bl';
import { execFileSync } from 'node:child_process';
import mqttPacket from 'mqtt-packet';
import { usePlainParserBuffer } from './plain-parser-buffer';

/** A QoS 1 PUBLISH as a device sends it, encoded by mqtt-packet. */
function publish(messageId: number, payload: string): Buffer {
  return mqttPacket.generate({ cmd: 'publish', topic: 'sensors/water/w-1/telemetry', payload: Buffer.from(payload), qos: 1, messageId, retain: false, dup: false });
}

describe('usePlainParserBuffer', () => {
  it('gives the parser a plain BufferList, and the parser still reads packets split anywhere across chunks', () => {
    const client = { _parser: mqttPacket.parser() };
    expect(usePlainParserBuffer(client)).toBe(true);
    const list = (client._parser as unknown as { _list: unknown })._list;
    expect([list instanceof BufferList, list instanceof BufferListStream]).toEqual([true, false]);

    const packets: Array<{ messageId?: number; payload: string }> = [];
    client._parser.on('packet', (packet) => {
      const { messageId, payload } = packet as mqttPacket.IPublishPacket;
      packets.push({ messageId, payload: payload.toString() });
    });
    const stream = Buffer.concat([publish(1, '{"metrics":{"pressure_kpa":412.5}}'), publish(2, 'x'.repeat(300)), publish(3, '{}')]);
    for (const cut of [1, 5, 40, 200, stream.length - 1]) {
      packets.length = 0;
      client._parser.parse(stream.subarray(0, cut));
      client._parser.parse(stream.subarray(cut));
      expect(packets).toEqual([
        { messageId: 1, payload: '{"metrics":{"pressure_kpa":412.5}}' },
        { messageId: 2, payload: 'x'.repeat(300) },
        { messageId: 3, payload: '{}' },
      ]);
    }
  });

  it('leaves alone a client whose parser is not the shape it knows, or has bytes buffered already', () => {
    const started = mqttPacket.parser();
    started.parse(publish(1, 'abc').subarray(0, 4));
    const plain = { _parser: { _list: new BufferList() } };
    for (const client of [{}, { _parser: {} }, { _parser: { _list: [] } }, plain, { _parser: started }]) {
      const before = (client as { _parser?: { _list?: unknown } })._parser?._list;
      expect(usePlainParserBuffer(client)).toBe(false);
      expect((client as { _parser?: { _list?: unknown } })._parser?._list).toBe(before);
    }
  });

  it('matches the installed aedes: a new client’s parser holds an empty BufferListStream (else the service warns and keeps it)', () => {
    // aedes is ESM, which jest cannot load: a plain Node process (which can) reports what aedes builds per connection.
    const script = `
      const { Aedes } = require('aedes');
      const { Duplex, PassThrough } = require('node:stream');
      Aedes.createBroker({}).then((broker) => {
        const client = broker.handle(Duplex.from({ readable: new PassThrough(), writable: new PassThrough() }));
        const list = client._parser._list;
        process.stdout.write(JSON.stringify({ stream: list instanceof require('bl').BufferListStream, length: list.length }));
        process.exit(0);
      });`;
    const report = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 })) as unknown;
    expect(report).toEqual({ stream: true, length: 0 });
  });
});
