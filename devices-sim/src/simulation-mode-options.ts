import type { ResolvedSimulationOptions, SimulationOptions } from './simulation-options';
import { SimulationOptionsError } from './simulation-options.error';
import { checkUplinkFaultSpec, UPLINK_FAULT_MODES } from './uplink-fault-plan';
import { PAYLOAD_FORMATS, PRESSURE_LOGGER_MAX_KPA, VENDOR_FORMAT_METRICS } from './vendor-payload';

/** The checks of the two ways a run can leave the contract: a LoRaWAN network server, and vendors' payload formats. */
export type NetworkServerKind = 'chirpstack';
export const NETWORK_SERVERS: readonly NetworkServerKind[] = ['chirpstack'];

/** ChirpStack names applications by UUID; any topic-level-safe name is accepted (no /, + or #). */
const APPLICATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const FAULTS_VENDOR_FORMATS_CARRY = ['silent', 'stuck', 'spike', 'out-of-range'];

export function checkNetworkServerOptions(resolved: ResolvedSimulationOptions, given: SimulationOptions): void {
  const server = resolved.networkServer;
  if (server === undefined) {
    if (given.applicationId !== undefined) throw new SimulationOptionsError('applicationId', given.applicationId, 'only with networkServer');
    if (resolved.uplinkFaults.length > 0) {
      throw new SimulationOptionsError('uplinkFaults', resolved.uplinkFaults.map((fault) => fault.mode), `only with networkServer (${UPLINK_FAULT_MODES.join(', ')} are faults of LoRaWAN uplinks)`);
    }
    return;
  }
  if (!NETWORK_SERVERS.includes(server)) throw new SimulationOptionsError('networkServer', server, `one of ${NETWORK_SERVERS.join(', ')}`);
  if (!APPLICATION_ID.test(resolved.applicationId)) {
    throw new SimulationOptionsError('applicationId', resolved.applicationId, '1 to 64 letters, digits, _ and - (a ChirpStack application UUID)');
  }
  if (resolved.domains.length !== 1 || resolved.domains[0] !== 'water') {
    throw new SimulationOptionsError('domains', resolved.domains, 'water only with networkServer: the LoRaWAN devices are WM-11 water meters');
  }
  if (resolved.catalogue.metricSpec('water', 'flow_m3h') === undefined) {
    throw new SimulationOptionsError('domains', resolved.domains, 'a water domain with flow_m3h, the metric the WM-11 frame carries');
  }
  // Options that would silently do nothing to a LoRaWAN uplink are refused rather than ignored.
  const unused: [string, boolean][] = [
    ['gateways', resolved.gateways > 0],
    ['batchSize', resolved.batchSize !== 1],
    ['obeyCommands', resolved.obeyCommands],
    ['withSeq', resolved.withSeq],
    ['timestampFormat', resolved.timestampFormat !== 'epoch-ms'],
    ['payloadFormat', resolved.payloadFormat !== 'contract'],
    ['credentials', resolved.credentials !== undefined],
  ];
  for (const [option, set] of unused) {
    if (set) throw new SimulationOptionsError(option, resolved[option as keyof ResolvedSimulationOptions], 'not with networkServer: an uplink is one WM-11 frame with its own fCnt and time');
  }
  if (resolved.faults.length > 0) {
    throw new SimulationOptionsError('faults', resolved.faults.map((fault) => fault.mode), `not with networkServer; its faults are uplinkFaults (${UPLINK_FAULT_MODES.join(', ')})`);
  }
  resolved.uplinkFaults.forEach(checkUplinkFaultSpec);
}

export function checkPayloadFormatOptions(resolved: ResolvedSimulationOptions): void {
  const format = resolved.payloadFormat;
  if (!PAYLOAD_FORMATS.includes(format)) throw new SimulationOptionsError('payloadFormat', format, `one of ${PAYLOAD_FORMATS.join(', ')}`);
  if (format === 'contract') return;
  const metrics = VENDOR_FORMAT_METRICS[format];
  if (resolved.domains.length !== 1 || resolved.domains[0] !== 'water') {
    throw new SimulationOptionsError('domains', resolved.domains, `water only with payloadFormat ${format}: its loggers measure ${metrics.join(', ')}`);
  }
  const missing = metrics.find((metric) => resolved.catalogue.metricSpec('water', metric) === undefined);
  if (missing !== undefined) throw new SimulationOptionsError('payloadFormat', format, `a water domain with ${missing}, which the format carries`);
  if (resolved.batchSize !== 1) throw new SimulationOptionsError('batchSize', resolved.batchSize, `1 with payloadFormat ${format}: the logger sends one reading per message`);
  if (resolved.intervalMs < 1000) {
    // Two readings in the same second would carry the same time, and the second would overwrite the first in InfluxDB.
    throw new SimulationOptionsError('intervalMs', resolved.intervalMs, `at least 1000 with payloadFormat ${format}: its time has whole seconds`);
  }
  if (resolved.timestampFormat !== 'epoch-ms' || resolved.withSeq) {
    throw new SimulationOptionsError(resolved.withSeq ? 'withSeq' : 'timestampFormat', resolved.withSeq || resolved.timestampFormat, `not with payloadFormat ${format}: the vendor's format fixes its time and has no seq`);
  }
  for (const fault of resolved.faults) {
    if (!FAULTS_VENDOR_FORMATS_CARRY.includes(fault.mode)) {
      throw new SimulationOptionsError('faults', fault.mode, `with payloadFormat ${format} one of ${FAULTS_VENDOR_FORMATS_CARRY.join(', ')}: the others are faults of the contract's JSON`);
    }
    if (fault.metric !== undefined && !metrics.includes(fault.metric)) {
      throw new SimulationOptionsError('faults', fault.metric, `a metric payloadFormat ${format} carries: ${metrics.join(', ')}`);
    }
    if (format === 'hex' && fault.value !== undefined && (fault.value < 0 || fault.value > PRESSURE_LOGGER_MAX_KPA)) {
      throw new SimulationOptionsError('faults', fault.value, `a value from 0 to ${PRESSURE_LOGGER_MAX_KPA}, what the PL-9 frame can carry`);
    }
  }
}
