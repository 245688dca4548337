import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { DEVICE_ID_PATTERN } from '@hub/contract';
import { badParam, optionalDuration, optionalEnum, optionalInt, optionalText, optionalTime } from './query-params';

/**
 * Query parameters parsed where they are declared: `@Query('from', TIME) from?: number`. The pipe takes the name
 * from the @Query that holds it, so a 400 always names the parameter the caller sent and echoes their value; the
 * handler receives typed values (undefined when absent or empty) and stays one short call.
 */
abstract class QueryPipe<T> implements PipeTransform<string | undefined, T | undefined> {
  transform(value: string | undefined, metadata: ArgumentMetadata): T | undefined {
    return this.parse(String(metadata.data), value);
  }

  protected abstract parse(name: string, value: string | undefined): T | undefined;
}

class TimeQuery extends QueryPipe<number> {
  protected parse(name: string, value: string | undefined): number | undefined {
    return optionalTime(name, value);
  }
}

class IntQuery extends QueryPipe<number> {
  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    super();
  }

  protected parse(name: string, value: string | undefined): number | undefined {
    return optionalInt(name, value, this.min, this.max);
  }
}

class EnumQuery<T extends string> extends QueryPipe<T> {
  constructor(private readonly allowed: readonly T[]) {
    super();
  }

  protected parse(name: string, value: string | undefined): T | undefined {
    return optionalEnum(name, value, this.allowed);
  }
}

class TextQuery extends QueryPipe<string> {
  constructor(private readonly maxLength: number) {
    super();
  }

  protected parse(name: string, value: string | undefined): string | undefined {
    return optionalText(name, value, this.maxLength);
  }
}

class DurationQuery extends QueryPipe<number> {
  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    super();
  }

  protected parse(name: string, value: string | undefined): number | undefined {
    return optionalDuration(name, value, this.minMs, this.maxMs);
  }
}

class DeviceIdQuery extends QueryPipe<string> {
  protected parse(name: string, value: string | undefined): string | undefined {
    if (value === undefined || value === '') return undefined;
    if (!DEVICE_ID_PATTERN.test(value)) throw badParam(name, value, 'a device id matching [A-Za-z0-9_-]{1,64}');
    return value;
  }
}

class PlainQuery extends QueryPipe<string> {
  protected parse(_name: string, value: string | undefined): string | undefined {
    return value === '' ? undefined : value;
  }
}

class FlagQuery extends QueryPipe<boolean> {
  protected parse(name: string, value: string | undefined): boolean | undefined {
    const flag = optionalEnum(name, value, ['true', 'false'] as const);
    return flag === undefined ? undefined : flag === 'true';
  }
}

/** Epoch milliseconds or ISO-8601 with a zone. */
export const TIME = new TimeQuery();
/** A device id (the 404 of an unknown one then only ever echoes a valid id). */
export const DEVICE_ID = new DeviceIdQuery();
/** A page size, 1–1000. */
export const LIMIT = new IntQuery(1, 1000);
/** A page cursor: only ids below this. */
export const CURSOR = new IntQuery(1, Number.MAX_SAFE_INTEGER);
/** Any text, exactly as given (an empty value counts as absent). */
export const PLAIN = new PlainQuery();
/** true or false. */
export const FLAG = new FlagQuery();
export const intQuery = (min: number, max: number): IntQuery => new IntQuery(min, max);
export const enumQuery = <T extends string>(allowed: readonly T[]): EnumQuery<T> => new EnumQuery(allowed);
/** Free text such as a town name: at most `maxLength` characters, no control characters. */
export const textQuery = (maxLength: number): TextQuery => new TextQuery(maxLength);
export const durationQuery = (minMs: number, maxMs: number): DurationQuery => new DurationQuery(minMs, maxMs);
