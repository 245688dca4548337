import { BenchUsageError, parseBenchArgs } from './bench-options';

describe('parseBenchArgs', () => {
  it('runs every phase at full length by default', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({ quick: false, e2eSeconds: 60, burstReadings: 10, burstSeconds: 60, connections: 1000, attempts: 3, scaleDevices: 10_000, scaleSeconds: 180 });
    expect(options !== 'help' && [...options.phases]).toEqual(['influx', 'broker', 'e2e', 'scale', 'decoder']);
  });

  it('shortens the phases with --quick and picks phases with --only', () => {
    const options = parseBenchArgs(['--quick', '--only', 'e2e,scale']);
    expect(options).toMatchObject({ quick: true, e2eSeconds: 15, attempts: 1, scaleSeconds: 30 });
    expect(options !== 'help' && [...options.phases]).toEqual(['e2e', 'scale']);
  });

  it('adds the cluster phase with --nodes, 1-node and N-node runs in turn; --only cluster takes 2 nodes', () => {
    const options = parseBenchArgs(['--quick', '--nodes', '3']);
    expect(options !== 'help' && [[...options.phases], options.nodes, options.clusterSeconds, options.clusterPairs]).toEqual([['influx', 'broker', 'e2e', 'scale', 'decoder', 'cluster'], 3, 15, 1]);
    const alone = parseBenchArgs(['--only', 'cluster']);
    expect(alone !== 'help' && [[...alone.phases], alone.nodes, alone.clusterSeconds, alone.clusterPairs]).toEqual([['cluster'], 2, 30, 2]);
  });

  it('selects the decoder-cost phase alone, bounded to a few seconds', () => {
    const options = parseBenchArgs(['--only', 'decoder']);
    expect(options !== 'help' && [[...options.phases], options.decoderSeconds * options.decoderRounds * 3]).toEqual([['decoder'], 6]);
    const quick = parseBenchArgs(['--quick', '--only', 'decoder']);
    expect(quick !== 'help' && quick.decoderSeconds * quick.decoderRounds * 3).toBe(3);
  });

  it('refuses an unknown phase or flag, and a bad number, naming it', () => {
    expect(() => parseBenchArgs(['--only', 'e2e,disk'])).toThrow(new BenchUsageError('--only: unknown phase "disk"; phases: influx, broker, e2e, scale, decoder, cluster'));
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown flag --fast');
    expect(() => parseBenchArgs(['--nodes', '1'])).toThrow('--nodes must be a whole number from 2 to 8, got "1"');
    expect(() => parseBenchArgs(['--window', '0'])).toThrow('--window must be a whole number from 1 to 1000, got "0"');
    expect(() => parseBenchArgs(['--service-env', 'PATH=/tmp'])).toThrow('--service-env must be KEY=VALUE with a HUB_…, INFLUX_… or MALLOC_… key, got "PATH=/tmp"');
    for (const bad of ['max-semi-space-size=4', '--max-semi-space-size=4 --inspect', '--require=x.js ', '-e']) {
      expect(() => parseBenchArgs(['--service-node-flag', bad])).toThrow(`--service-node-flag must be one --flag or --flag=value, got "${bad}"`);
    }
  });

  it('passes service settings through, the last one of a key winning', () => {
    const options = parseBenchArgs(['--service-env', 'HUB_WRITE_CONCURRENCY=4', '--service-env', 'HUB_LOG_LEVEL=a=b', '--service-env', 'HUB_WRITE_CONCURRENCY=3']);
    expect(options !== 'help' && options.serviceEnv).toEqual({ HUB_WRITE_CONCURRENCY: '3', HUB_LOG_LEVEL: 'a=b' });
  });

  it('passes Node flags and allocator settings for the service through, in order', () => {
    const options = parseBenchArgs(['--service-node-flag', '--max-semi-space-size=4', '--service-env', 'MALLOC_ARENA_MAX=2', '--service-node-flag', '--trace-gc']);
    expect(options !== 'help' && [options.serviceNodeFlags, options.serviceEnv]).toEqual([['--max-semi-space-size=4', '--trace-gc'], { MALLOC_ARENA_MAX: '2' }]);
    const defaults = parseBenchArgs([]);
    expect(defaults !== 'help' && defaults.serviceNodeFlags).toEqual([]);
  });
});
