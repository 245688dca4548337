import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { DEVICE_ID_PATTERN } from '@hub/contract';
import { badParam, optionalDuration } from '../http/query-params';
import { RAW, type ExportResolution } from './readings-export.query';

/** The smallest and largest aggregate bucket of an export, as for a device's readings. */
const MIN_EVERY_MS = 1_000;
const MAX_EVERY_MS = 30 * 86_400_000;

/** `?every=`: absent or `raw` for readings as stored, a duration (1m, 1h, 1d) for aggregates per bucket. */
class ResolutionQuery implements PipeTransform<string | undefined, ExportResolution> {
  transform(value: string | undefined, metadata: ArgumentMetadata): ExportResolution {
    if (value === undefined || value === '' || value === 'raw') return RAW;
    const name = String(metadata.data);
    try {
      return { kind: 'aggregate', everyMs: optionalDuration(name, value, MIN_EVERY_MS, MAX_EVERY_MS)! };
    } catch {
      throw badParam(name, value, `raw, or a bucket size like 1m, 1h or 1d (from 1s to 30d)`);
    }
  }
}

/** `?devices=a,b,c`: device ids separated by commas, each a valid id (the 400 names the first that is not). */
class DeviceListQuery implements PipeTransform<string | undefined, string[] | undefined> {
  transform(value: string | undefined, metadata: ArgumentMetadata): string[] | undefined {
    if (value === undefined || value === '') return undefined;
    const ids = value.split(',').map((id) => id.trim());
    const bad = ids.find((id) => !DEVICE_ID_PATTERN.test(id));
    if (bad !== undefined) throw badParam(String(metadata.data), value, `device ids matching [A-Za-z0-9_-]{1,64} separated by commas (${JSON.stringify(bad)} is not one)`);
    return ids;
  }
}

export const RESOLUTION = new ResolutionQuery();
export const DEVICE_LIST = new DeviceListQuery();
