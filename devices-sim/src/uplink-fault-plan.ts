import type { DecoderRefusalReason } from '@hub/decoders';
import { checkFaultSelection, FaultSelection, faultApplies, FaultSpecError, FaultTarget, inWindow } from './fault-plan';

/**
 * Faults of a LoRaWAN device behind the simulated network server, with fault-plan.ts's device selection and reading
 * window (`devices=`, `ids=`, `from=`, `to=`, `every=`; the reading is the device's uplink number, from 1):
 * - `undecodable`: the frame is not one the codec reads (odd uplinks cut to 7 bytes, even ones frame type 0x02);
 * - `codec-error`: the frame goes out on fPort 99, which the WM-11 codec answers with errors (as it does for any
 *   fPort but 2): the device whose codec fails;
 * - `duplicate-fcnt`: the same event published twice (a network server redelivering after a reconnect);
 * - `out-of-order`: a gateway buffered the uplink: it is published after `after` later uplinks (default 1), with its
 *   own time and fCnt; consecutive buffered uplinks go out together, in their order.
 * One fault per uplink, so what the hub should do with each is never ambiguous: a fault of the frame (undecodable,
 * codec-error) before one of its delivery (duplicate-fcnt, out-of-order), else the first listed that applies — so
 * `codec-error,devices=1` spoils every uplink of that device whatever else is asked of it.
 */
export const UPLINK_FAULT_MODES = ['undecodable', 'codec-error', 'duplicate-fcnt', 'out-of-order'] as const;
export type UplinkFaultMode = (typeof UPLINK_FAULT_MODES)[number];

/** What the hub's decoder must answer for an uplink carrying each fault; undefined = decoded and stored. */
export const UPLINK_FAULT_EXPECTED_REFUSAL: Readonly<Record<UplinkFaultMode, DecoderRefusalReason | undefined>> = {
  // The WM-11 codec returns `errors` for a wrong length or type and for fPort ≠ 2: the decoder's DECODER_ERROR.
  undecodable: 'DECODER_ERROR',
  'codec-error': 'DECODER_ERROR',
  'duplicate-fcnt': undefined,
  'out-of-order': undefined,
};

export const CODEC_ERROR_F_PORT = 99;
const FRAME_FAULTS: readonly UplinkFaultMode[] = ['undecodable', 'codec-error'];

export interface UplinkFaultSpec extends FaultSelection {
  readonly mode: UplinkFaultMode;
  /** out-of-order only: how many later uplinks go out before the buffered one. Default 1. */
  readonly after?: number;
}

export function isUplinkFaultMode(mode: string): mode is UplinkFaultMode {
  return (UPLINK_FAULT_MODES as readonly string[]).includes(mode);
}

/** Throws FaultSpecError naming the problem. */
export function checkUplinkFaultSpec(fault: UplinkFaultSpec): void {
  if (!isUplinkFaultMode(fault.mode)) throw new FaultSpecError(fault, `mode must be one of ${UPLINK_FAULT_MODES.join(', ')}`);
  checkFaultSelection(fault);
  if (fault.after !== undefined) {
    if (fault.mode !== 'out-of-order') throw new FaultSpecError(fault, 'after applies to out-of-order only');
    if (!Number.isSafeInteger(fault.after) || fault.after < 1) throw new FaultSpecError(fault, 'after must be a whole number ≥ 1');
  }
}

/** The faults of one device. */
export class DeviceUplinkFaultPlan {
  private readonly faults: readonly UplinkFaultSpec[];

  constructor(target: FaultTarget, faults: readonly UplinkFaultSpec[]) {
    this.faults = faults.filter((fault) => faultApplies(fault, target));
  }

  /** The fault of uplink `readingNumber`, if any: its frame's first, else its delivery's. */
  faultOf(readingNumber: number): UplinkFaultSpec | undefined {
    const faults = this.faults.filter((fault) => inWindow(fault, readingNumber));
    return faults.find((fault) => FRAME_FAULTS.includes(fault.mode)) ?? faults[0];
  }
}
