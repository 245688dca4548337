import { CliUsageError, parseCliArgs, parseFaultFlag } from './cli-options';

describe('CLI flags', () => {
  it('parses a full command line into simulator options', () => {
    const command = parseCliArgs(
      [
        '--url', 'ws://hub:8083', '--domains', 'gas,water', '--devices', '3', '--interval', '1s', '--duration', '5m',
        '--qos', '0', '--persistent', '--batch', '10', '--timestamps', 'iso', '--seq', '--seed', '42', '--concurrency', '500',
        '--start-ts', 'now-2h', '--progress', 'off', '--record',
        '--fault', 'spike:gas:methane_pct_lel,from=5,to=10,value=35', '--fault', 'silent:water,devices=1,disconnect',
      ],
      1_000_000_000,
    );
    expect(command).toEqual({
      kind: 'run',
      forever: false,
      progressMs: undefined,
      credentials: undefined,
      options: {
        url: 'ws://hub:8083',
        domains: ['gas', 'water'],
        devicesPerDomain: 3,
        intervalMs: 1000,
        durationMs: 300_000,
        qos: 0,
        clean: false,
        batchSize: 10,
        timestampFormat: 'iso',
        withSeq: true,
        seed: 42,
        connectConcurrency: 500,
        startTs: 1_000_000_000 - 7_200_000,
        recordReadings: true,
        faults: [
          { mode: 'spike', domain: 'gas', metric: 'methane_pct_lel', fromReading: 5, toReading: 10, value: 35 },
          { mode: 'silent', domain: 'water', devices: 1, disconnect: true },
        ],
      },
    });
  });

  it('defaults the URL and the progress interval, and accepts --forever alone', () => {
    expect(parseCliArgs(['--forever'])).toEqual({ kind: 'run', forever: true, progressMs: 5000, credentials: undefined, options: { url: 'mqtt://127.0.0.1:1883', faults: [] } });
  });

  it('takes credentials from the hub API (with towns) or from a CSV file', () => {
    const api = parseCliArgs(['--forever', '--api', 'http://127.0.0.1:3000', '--towns', 'Ashford, Brook,']);
    expect(api.kind === 'run' && api.credentials).toEqual({ kind: 'api', apiUrl: 'http://127.0.0.1:3000', towns: ['Ashford', 'Brook'] });
    const file = parseCliArgs(['--forever', '--credentials', 'fleet.csv']);
    expect(file.kind === 'run' && file.credentials).toEqual({ kind: 'file', path: 'fleet.csv' });
  });

  it('answers --help and -h', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('accepts ISO and epoch start times and a fault on every domain', () => {
    const iso = parseCliArgs(['--count', '1', '--start-ts', '2025-01-01T00:00:00Z']);
    expect(iso.kind === 'run' && iso.options.startTs).toBe(Date.UTC(2025, 0, 1));
    const epoch = parseCliArgs(['--count', '1', '--start-ts', '1700000000000']);
    expect(epoch.kind === 'run' && epoch.options.startTs).toBe(1_700_000_000_000);
    expect(parseFaultFlag('out-of-range:*:pressure_kpa,every=3,ids=a+b')).toEqual({ mode: 'out-of-range', metric: 'pressure_kpa', everyNth: 3, deviceIds: ['a', 'b'] });
    expect(parseFaultFlag('stuck')).toEqual({ mode: 'stuck' });
  });

  it.each<[string[], string, string]>([
    [['--count', '1', '--interval', 'fast'], '--interval', 'fast'],
    [['--count', '1', '--interval', '0ms'], '--interval', '0ms'],
    [['--duration', '10 minutes'], '--duration', '10 minutes'],
    [['--count=-3'], '--count', '-3'],
    [['--count', '1.5'], '--count', '1.5'],
    [['--count', '1', '--devices', '0'], '--devices', '0'],
    [['--count', '1', '--qos', '2'], '--qos', '2'],
    [['--count', '1', '--domains', 'water,Steam'], '--domains', 'water,Steam'],
    [['--count', '1', '--timestamps', 'unix'], '--timestamps', 'unix'],
    [['--count', '1', '--start-ts', 'yesterday'], '--start-ts', 'yesterday'],
    [['--count', '1', '--progress', 'often'], '--progress', 'often'],
    [['--count', '1', '--fault', 'explode:water'], '--fault', 'explode:water'],
    [['--count', '1', '--fault', 'spike:Steam'], '--fault', 'spike:Steam'],
    [['--count', '1', '--fault', 'spike:gas,from=x'], '--fault', 'from=x'],
    [['--count', '1', '--fault', 'spike:gas,colour=red'], '--fault', 'spike:gas,colour=red'],
    [['--count', '1', '--fault', 'spike:gas,disconnect'], '--fault', 'spike:gas,disconnect'],
    [['--forever', '--count', '5'], '--forever', 'true'],
    [['--forever', '--api', 'localhost:3000'], '--api', 'localhost:3000'],
    [['--forever', '--towns', 'Ashford'], '--towns', 'Ashford'],
    [['--forever', '--api', 'http://hub', '--credentials', 'x.csv'], '--credentials', 'x.csv'],
    [[], '--count/--duration/--forever', ''],
  ])('refuses %j, naming %s and the value', (argv, flag, value) => {
    let caught: unknown;
    try {
      parseCliArgs(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliUsageError);
    expect(caught).toMatchObject({ flag, value });
    expect((caught as Error).message).toMatch(/allowed: .+/);
  });

  it('plays a ChirpStack network server with uplink faults, and vendor payload formats', () => {
    const command = parseCliArgs([
      '--url', 'mqtt://ns-user:ns-pass@127.0.0.1:1884', '--network-server', 'chirpstack', '--application-id', '17c82e96-be03-4f38-aef3-f83d48582d97',
      '--devices', '50', '--count', '40', '--fault', 'duplicate-fcnt,every=10', '--fault', 'out-of-order:water,from=5,to=7,after=2', '--fault', 'codec-error,ids=sim-water-3',
      '--fault', 'undecodable,devices=2,from=20,to=21',
    ]);
    expect(command.kind === 'run' && command.options).toEqual({
      url: 'mqtt://ns-user:ns-pass@127.0.0.1:1884',
      networkServer: 'chirpstack',
      applicationId: '17c82e96-be03-4f38-aef3-f83d48582d97',
      devicesPerDomain: 50,
      count: 40,
      faults: [],
      uplinkFaults: [
        { mode: 'duplicate-fcnt', everyNth: 10 },
        { mode: 'out-of-order', domain: 'water', fromReading: 5, toReading: 7, after: 2 },
        { mode: 'codec-error', deviceIds: ['sim-water-3'] },
        { mode: 'undecodable', devices: 2, fromReading: 20, toReading: 21 },
      ],
    });
    const vendor = parseCliArgs(['--count', '1', '--payload-format', 'vendor-json', '--fault', 'out-of-range:water:pressure_kpa,from=3']);
    expect(vendor.kind === 'run' && vendor.options).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      count: 1,
      payloadFormat: 'vendor-json',
      faults: [{ mode: 'out-of-range', domain: 'water', metric: 'pressure_kpa', fromReading: 3 }],
    });
  });

  it.each<[string[], string, string, RegExp]>([
    [['--count', '1', '--network-server', 'loriot'], '--network-server', 'loriot', /allowed: chirpstack/],
    [['--count', '1', '--application-id', 'app-1'], '--application-id', 'app-1', /only with --network-server/],
    [['--count', '1', '--network-server', 'chirpstack', '--application-id', 'a/b'], '--application-id', 'a/b', /letters, digits/],
    [['--count', '1', '--network-server', 'chirpstack', '--fault', 'spike:water'], '--fault', 'spike', /duplicate-fcnt/],
    [['--count', '1', '--fault', 'duplicate-fcnt'], '--fault', 'duplicate-fcnt', /only with --network-server/],
    [['--count', '1', '--network-server', 'chirpstack', '--api', 'http://hub'], '--api', 'http://hub', /not with --network-server/],
    [['--count', '1', '--network-server', 'chirpstack', '--fault', 'out-of-order,after=0'], '--fault', 'after=0', /whole number from 1/],
    [['--count', '1', '--network-server', 'chirpstack', '--fault', 'duplicate-fcnt,after=2'], '--fault', 'duplicate-fcnt,after=2', /out-of-order/],
    [['--count', '1', '--network-server', 'chirpstack', '--fault', 'undecodable:water:flow_m3h'], '--fault', 'undecodable:water:flow_m3h', /without a metric/],
    [['--count', '1', '--network-server', 'chirpstack', '--fault', 'codec-error,value=3'], '--fault', 'codec-error,value=3', /without value/],
    [['--count', '1', '--payload-format', 'xml'], '--payload-format', 'xml', /contract, vendor-json, hex/],
  ])('refuses %j, naming %s, the value and what is allowed', (argv, flag, value, allowed) => {
    let caught: unknown;
    try {
      parseCliArgs(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliUsageError);
    expect(caught).toMatchObject({ flag, value });
    expect((caught as Error).message).toMatch(allowed);
  });

  it('refuses an unknown flag', () => {
    expect(() => parseCliArgs(['--count', '1', '--colour', 'red'])).toThrow(/colour/);
  });
});
