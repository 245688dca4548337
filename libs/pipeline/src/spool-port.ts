import { isDomainName, telemetryTopic } from '@hub/contract';
import { LineSinkWriteError, parseLineSeries } from '@hub/influx';
import { SpoolFullError } from '@hub/spool';
import { NewDeadLetter } from './dead-letter.repository';

/**
 * Where a spooled batch is durable: 'local', the fsync'd outage spool on this node's disk (replayed by this node);
 * 'shared', the spool table in PostgreSQL (replayed by any node).
 */
export type SpoolPlace = 'local' | 'shared';

/**
 * What the writer needs of the outage spool: a durable append, resolving with where the batch now is. It rejects with
 * SpoolFullError (declared by the spool lib, which may not import this one) when it has no room, and with any other
 * error when the disk fails.
 */
export interface BatchSpool {
  /** `lines` newline-joined lines of line protocol as UTF-8. */
  appendPayload(payload: Buffer, lines: number): Promise<SpoolPlace>;
}

/** The local outage spool (libs/spool) as a BatchSpool. */
export function localBatchSpool(spool: { appendPayload(payload: Buffer, lines: number): Promise<void> }): BatchSpool {
  return { appendPayload: (payload, lines) => spool.appendPayload(payload, lines).then(() => 'local' as const) };
}

/** The one refusal of BatchSpool.appendPayload the writer treats as "full" rather than as a disk failure. */
export function isSpoolFull(error: unknown): error is SpoolFullError {
  return error instanceof SpoolFullError;
}

/** The MQTT message a line came from: what a dead letter records if InfluxDB refuses the line. */
export interface MessageOrigin {
  readonly topic: string;
  readonly deviceId: string;
  readonly domain: string;
  readonly clientId?: string;
}

/** Where a refused point came from; a replayed line carries no client id. */
export interface PointOrigin extends MessageOrigin {
  readonly line: string;
}

export function influxRefusedLetter(origin: PointOrigin, error: LineSinkWriteError): NewDeadLetter {
  return {
    receivedAt: Date.now(),
    reason: 'INFLUX_REFUSED',
    detail: `InfluxDB ${error.statusCode ?? ''}: ${error.serverMessage ?? error.message}`.slice(0, 1000),
    topic: origin.topic,
    clientId: origin.clientId,
    deviceId: origin.deviceId,
    domain: origin.domain,
    payload: origin.line,
  };
}

/**
 * Rebuilds a point's origin from its line, for points replayed from the spool (measurement = domain, tag device_id,
 * as readingToLine writes them). A line that does not parse keeps empty fields: it is still dead-lettered whole.
 */
export function originOfLine(line: string): PointOrigin {
  const series = parseLineSeries(line);
  const domain = series?.measurement ?? '';
  const deviceId = series?.tags.device_id ?? '';
  return { line, domain, deviceId, topic: isDomainName(domain) ? telemetryTopic(domain, deviceId) : '' };
}
