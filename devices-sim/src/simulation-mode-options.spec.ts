import { FaultSpecError } from './fault-plan';
import { resolveSimulationOptions, SimulationOptions, SimulationOptionsError } from './simulation-options';

const base: SimulationOptions = { url: 'mqtt://127.0.0.1:1883', count: 1 };
const chirpstack: SimulationOptions = { ...base, networkServer: 'chirpstack' };

function refusal(options: SimulationOptions): unknown {
  try {
    resolveSimulationOptions(options);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('network server and vendor format options', () => {
  it('plays water only, by default, and derives an application id from the seed', () => {
    expect(resolveSimulationOptions(chirpstack)).toMatchObject({ domains: ['water'], networkServer: 'chirpstack', uplinkFaults: [], payloadFormat: 'contract' });
    expect(resolveSimulationOptions(chirpstack).applicationId).toBe(resolveSimulationOptions({ ...chirpstack, seed: 1 }).applicationId);
    expect(resolveSimulationOptions({ ...chirpstack, seed: 2 }).applicationId).not.toBe(resolveSimulationOptions(chirpstack).applicationId);
    expect(resolveSimulationOptions({ ...base, payloadFormat: 'hex' }).domains).toEqual(['water']);
    expect(resolveSimulationOptions(base).domains).toEqual(['water', 'power', 'gas', 'heat', 'traffic']);
  });

  it.each<[string, SimulationOptions, string, string]>([
    ['another domain', { ...chirpstack, domains: ['water', 'gas'] }, 'domains', 'Invalid simulator option domains=["water","gas"]: water only with networkServer: the LoRaWAN devices are WM-11 water meters'],
    ['gateways', { ...chirpstack, gateways: 2 }, 'gateways', 'Invalid simulator option gateways=2: not with networkServer: an uplink is one WM-11 frame with its own fCnt and time'],
    ['batches', { ...chirpstack, batchSize: 5 }, 'batchSize', 'Invalid simulator option batchSize=5: not with networkServer: an uplink is one WM-11 frame with its own fCnt and time'],
    ['a payload format', { ...chirpstack, payloadFormat: 'hex' }, 'payloadFormat', 'Invalid simulator option payloadFormat="hex": not with networkServer: an uplink is one WM-11 frame with its own fCnt and time'],
    [
      'a payload fault',
      { ...chirpstack, faults: [{ mode: 'malformed-json' }] },
      'faults',
      'Invalid simulator option faults=["malformed-json"]: not with networkServer; its faults are uplinkFaults (undecodable, codec-error, duplicate-fcnt, out-of-order)',
    ],
    ['a topic wildcard in the application id', { ...chirpstack, applicationId: 'app/#' }, 'applicationId', 'Invalid simulator option applicationId="app/#": 1 to 64 letters, digits, _ and - (a ChirpStack application UUID)'],
    ['an unknown network server', { ...base, networkServer: 'loriot' as 'chirpstack' }, 'networkServer', 'Invalid simulator option networkServer="loriot": one of chirpstack'],
    ['an application id without a network server', { ...base, applicationId: 'app' }, 'applicationId', 'Invalid simulator option applicationId="app": only with networkServer'],
    [
      'uplink faults without a network server',
      { ...base, uplinkFaults: [{ mode: 'duplicate-fcnt' }] },
      'uplinkFaults',
      'Invalid simulator option uplinkFaults=["duplicate-fcnt"]: only with networkServer (undecodable, codec-error, duplicate-fcnt, out-of-order are faults of LoRaWAN uplinks)',
    ],
    ['vendor JSON from a gas device', { ...base, domains: ['gas'], payloadFormat: 'vendor-json' }, 'domains', 'Invalid simulator option domains=["gas"]: water only with payloadFormat vendor-json: its loggers measure pressure_kpa, flow_m3h'],
    ['readings closer than the format\'s second', { ...base, payloadFormat: 'vendor-json', intervalMs: 500 }, 'intervalMs', 'Invalid simulator option intervalMs=500: at least 1000 with payloadFormat vendor-json: its time has whole seconds'],
    ['a batch of hex', { ...base, payloadFormat: 'hex', batchSize: 2 }, 'batchSize', 'Invalid simulator option batchSize=2: 1 with payloadFormat hex: the logger sends one reading per message'],
    ['vendor JSON without ts', { ...base, payloadFormat: 'vendor-json', timestampFormat: 'none' }, 'timestampFormat', 'Invalid simulator option timestampFormat="none": not with payloadFormat vendor-json: the vendor\'s format fixes its time and has no seq'],
    ['malformed JSON in hex', { ...base, payloadFormat: 'hex', faults: [{ mode: 'malformed-json' }] }, 'faults', 'Invalid simulator option faults="malformed-json": with payloadFormat hex one of silent, stuck, spike, out-of-range: the others are faults of the contract\'s JSON'],
    ['a metric hex does not carry', { ...base, payloadFormat: 'hex', faults: [{ mode: 'spike', metric: 'flow_m3h' }] }, 'faults', 'Invalid simulator option faults="flow_m3h": a metric payloadFormat hex carries: pressure_kpa'],
    ['a pressure the PL-9 cannot carry', { ...base, payloadFormat: 'hex', faults: [{ mode: 'out-of-range', value: 7000 }] }, 'faults', 'Invalid simulator option faults=7000: a value from 0 to 6553.5, what the PL-9 frame can carry'],
    ['an unknown payload format', { ...base, payloadFormat: 'xml' as 'hex' }, 'payloadFormat', 'Invalid simulator option payloadFormat="xml": one of contract, vendor-json, hex'],
  ])('refuses %s, naming the option, the value and what is allowed', (_name, options, option, message) => {
    const error = refusal(options);
    expect(error).toBeInstanceOf(SimulationOptionsError);
    expect(error).toMatchObject({ option, message });
  });

  it.each<[string, SimulationOptions, string]>([
    ['after= on a duplicate', { ...chirpstack, uplinkFaults: [{ mode: 'duplicate-fcnt', after: 2 }] }, 'after applies to out-of-order only'],
    ['after=0', { ...chirpstack, uplinkFaults: [{ mode: 'out-of-order', after: 0 }] }, 'after must be a whole number ≥ 1'],
    ['a window that ends before it starts', { ...chirpstack, uplinkFaults: [{ mode: 'undecodable', fromReading: 5, toReading: 4 }] }, 'toReading is before fromReading'],
  ])('refuses an uplink fault with %s as a FaultSpecError', (_name, options, problem) => {
    const error = refusal(options);
    expect(error).toBeInstanceOf(FaultSpecError);
    expect((error as Error).message).toContain(problem);
  });
});
