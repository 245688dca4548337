import { InfluxQueryClient, quoteIdentifier } from './influx-query.client';

/** One retention policy as InfluxDB 1.x reports it. */
export interface RetentionPolicyInfo {
  readonly name: string;
  /** 0: kept forever (InfluxDB's INF). */
  readonly durationMs: number;
  readonly shardGroupDurationMs: number;
  readonly isDefault: boolean;
}

/** The oldest points a retention policy holds before a time, per measurement. */
export interface OlderData {
  readonly oldestMs: number;
  readonly measurements: readonly string[];
}

/**
 * Retention policies of one InfluxDB 1.x database, over InfluxQL (`/query`). The only code that spells
 * CREATE/ALTER RETENTION POLICY; what to change is decided by the caller.
 */
export class RetentionPolicyAdmin {
  constructor(
    private readonly influx: InfluxQueryClient,
    readonly database: string,
  ) {}

  async list(): Promise<RetentionPolicyInfo[]> {
    const series = await this.influx.query(`SHOW RETENTION POLICIES ON ${quoteIdentifier(this.database)}`);
    return series.flatMap(({ columns, values }) =>
      values.map((row) => {
        const cell = (name: string) => row[columns.indexOf(name)];
        return {
          name: String(cell('name')),
          durationMs: parseGoDuration(String(cell('duration'))),
          shardGroupDurationMs: parseGoDuration(String(cell('shardGroupDuration'))),
          isDefault: cell('default') === true,
        };
      }),
    );
  }

  async create(name: string, durationMs: number, shardGroupDurationMs: number): Promise<void> {
    await this.influx.query(`CREATE RETENTION POLICY ${quoteIdentifier(name)} ON ${quoteIdentifier(this.database)} DURATION ${hours(durationMs)} REPLICATION 1 SHARD DURATION ${hours(shardGroupDurationMs)}`);
  }

  /** A new duration applies at InfluxDB's next retention check; a new shard duration to shard groups created after. */
  async alter(name: string, durationMs: number, shardGroupDurationMs: number): Promise<void> {
    await this.influx.query(`ALTER RETENTION POLICY ${quoteIdentifier(name)} ON ${quoteIdentifier(this.database)} DURATION ${hours(durationMs)} SHARD DURATION ${hours(shardGroupDurationMs)}`);
  }

  /**
   * Whether the policy holds points older than `beforeMs`, and which measurements: the first point of each
   * (`LIMIT 1` in time order, so InfluxDB reads only the oldest shard groups). Null when it holds none.
   */
  async olderThan(policy: string, beforeMs: number): Promise<OlderData | null> {
    const series = await this.influx.query(`SELECT * FROM ${quoteIdentifier(policy)}./.*/ WHERE time < ${beforeMs}ms LIMIT 1`);
    const firsts = series.filter((entry) => entry.values.length > 0);
    if (firsts.length === 0) return null;
    return {
      oldestMs: Math.min(...firsts.map((entry) => Number(entry.values[0][0]))),
      measurements: firsts.map((entry) => entry.name).sort(),
    };
  }
}

/** InfluxQL durations in whole hours (the config allows nothing finer; InfluxDB's minimum is 1h). */
function hours(ms: number): string {
  return `${Math.round(ms / 3_600_000)}h`;
}

/** Go's time.Duration text as SHOW RETENTION POLICIES writes it: `720h0m0s`, `0s`. */
export function parseGoDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (match === null || text === '') throw new Error(`not a duration InfluxDB writes: ${JSON.stringify(text)}`);
  return (Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0)) * 1000;
}
