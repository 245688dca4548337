import { LineSinkWriteError } from '@hub/influx';
import { NewDeadLetter } from './dead-letter.repository';

/** What the writer needs of the outage spool: a durable append that rejects (SpoolFullError) when it has no room. */
export interface BatchSpool {
  /** `lines` newline-joined lines of line protocol as UTF-8. */
  appendPayload(payload: Buffer, lines: number): Promise<void>;
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

/** Rebuilds a point's origin from its line, for points replayed from the spool (measurement = domain, tag device_id). */
export function originOfLine(line: string): PointOrigin {
  const domain = line.slice(0, line.search(/[, ]/));
  const deviceId = /,device_id=([A-Za-z0-9_-]+)/.exec(line)?.[1] ?? '';
  return { line, domain, deviceId, topic: `sensors/${domain}/${deviceId}/telemetry` };
}
