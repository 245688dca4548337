import { crc32 } from 'node:zlib';

/**
 * One spool record on disk: [payload length u32 BE][crc32 of payload u32 BE][payload]. The CRC tells a record torn
 * by a crash (written but never fsync'd, so never acknowledged) from a whole one.
 */
export const FRAME_HEADER_BYTES = 8;

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export type FrameScan =
  | { readonly kind: 'frame'; readonly payload: Buffer; readonly end: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'torn'; readonly why: string };

/** Reads the frame starting at `offset` of `buffer`. */
export function readFrame(buffer: Buffer, offset: number): FrameScan {
  if (offset === buffer.length) return { kind: 'end' };
  if (offset + FRAME_HEADER_BYTES > buffer.length) return { kind: 'torn', why: 'header cut short' };
  const length = buffer.readUInt32BE(offset);
  const end = offset + FRAME_HEADER_BYTES + length;
  if (end > buffer.length) return { kind: 'torn', why: `payload of ${length} bytes cut short` };
  const payload = buffer.subarray(offset + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== buffer.readUInt32BE(offset + 4)) return { kind: 'torn', why: 'checksum mismatch' };
  return { kind: 'frame', payload, end };
}

/** Lines in a payload of newline-joined line protocol. */
export function countLines(payload: Buffer): number {
  if (payload.length === 0) return 0;
  let lines = 1;
  for (let index = payload.indexOf(10); index !== -1; index = payload.indexOf(10, index + 1)) lines++;
  return lines;
}
