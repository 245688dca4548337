import { deriveSeed, mulberry32 } from '@hub/common';
import { FaultTarget } from './fault-plan';

/**
 * The identities of a simulated LoRaWAN fleet behind one ChirpStack application, all derived from the run seed, so a
 * test can compute them before the run (to register each DevEUI with the hub) and a rerun sends the same ones.
 */
export interface LoRaWanDevicePlan {
  readonly target: FaultTarget;
  /** 16 lower-case hex digits. */
  readonly devEui: string;
  /** 8 lower-case hex digits. */
  readonly devAddr: string;
}

export interface LoRaWanFleet {
  readonly tenantId: string;
  readonly applicationId: string;
  readonly deviceProfileId: string;
  /** The gateways that hear the fleet; a device is heard by the first one to three. */
  readonly gatewayIds: readonly string[];
  readonly devices: readonly LoRaWanDevicePlan[];
}

export const LORAWAN_GATEWAYS = 3;

/**
 * DevEUIs as a vendor allocates them: one block per run (the upper 32 bits and the block's start from the seed), the
 * devices numbered consecutively inside it, so no two devices of a run share one.
 */
export function loRaWanDevEui(seed: number, position: number): string {
  const random = mulberry32(deriveSeed(seed, 'lorawan-deveui-block'));
  const block = Math.floor(random() * 0x1_0000_0000);
  const start = Math.floor(random() * 0x1_0000_0000);
  return hex8(block) + hex8((start + position) % 0x1_0000_0000);
}

/** An application id when --application-id is not given: a UUID, as ChirpStack v4 names applications. */
export function defaultApplicationId(seed: number): string {
  return seededUuid(seed, 'chirpstack-application');
}

export function planLoRaWanFleet(seed: number, applicationId: string, targets: readonly FaultTarget[]): LoRaWanFleet {
  return {
    tenantId: seededUuid(seed, 'chirpstack-tenant'),
    applicationId,
    deviceProfileId: seededUuid(seed, 'chirpstack-device-profile'),
    gatewayIds: Array.from({ length: LORAWAN_GATEWAYS }, (_, index) => {
      const random = mulberry32(deriveSeed(seed, `lorawan-gateway-${index}`));
      return hex8(Math.floor(random() * 0x1_0000_0000)) + hex8(Math.floor(random() * 0x1_0000_0000));
    }),
    devices: targets.map((target, position) => ({
      target,
      devEui: loRaWanDevEui(seed, position),
      devAddr: hex8(deriveSeed(seed, `lorawan-devaddr:${target.deviceId}`)),
    })),
  };
}

/** A version-4-shaped UUID from the seed and a key (deduplication ids, tenant and application ids). */
export function seededUuid(seed: number, key: string): string {
  const random = mulberry32(deriveSeed(seed, key));
  const hex = Array.from({ length: 4 }, () => hex8(Math.floor(random() * 0x1_0000_0000))).join('');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
