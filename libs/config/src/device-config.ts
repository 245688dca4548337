import { ConfigReader } from './env-parsers';

export interface DeviceConfig {
  /**
   * registered: only provisioned devices may connect (the default). quarantine: for a first deployment, unknown devices
   * are let in and listed for an operator to approve; what they send is held as dead letters, never stored.
   */
  readonly admission: 'registered' | 'quarantine';
}

export function readDeviceConfig(read: ConfigReader): DeviceConfig {
  return { admission: read.oneOf('HUB_DEVICE_ADMISSION', ['registered', 'quarantine'] as const, 'registered', 'registered: only provisioned devices connect; quarantine: unknown devices are let in and held for approval') };
}
