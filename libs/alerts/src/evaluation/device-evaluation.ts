/** One time bucket of a device's metric, as the detail query returns it (bucket start = `t`, by event time). */
export interface BucketSample {
  readonly t: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly last: number;
  readonly count: number;
}

export type ConditionStatus = 'breach' | 'clear' | 'between';

/**
 * The rule's verdict on one bucket. `between` is neither: inside the hysteresis band, a bucket that mixes readings on
 * both sides, or too little data to judge. `score` orders severity (larger is worse) so the peak can be kept whatever
 * the direction: for "below" thresholds it is the negated value.
 */
export interface StatusPoint {
  readonly t: number;
  readonly status: ConditionStatus;
  /** What the alert shows: the metric value, the change over the window, the seconds of silence… */
  readonly value: number;
  /** The most extreme value in the bucket (the one `score` ranks): the max for "above", the min for "below"… */
  readonly peak: number;
  readonly score: number;
}

/**
 * A stretch of event time during which the rule's condition held (after its for-duration). `end` is when the clear
 * condition began (and then held for clearFor); null while it still holds at the end of the evaluated window.
 */
export interface Episode {
  readonly start: number;
  readonly end: number | null;
  readonly value: number;
  readonly valueAt: number;
  readonly peak: number;
  readonly peakScore: number;
}

/** Everything one evaluation learned about one device. */
export interface DeviceEvaluation {
  readonly deviceId: string;
  /** In event-time order; only the last may be open (end null). */
  readonly episodes: readonly Episode[];
  /** Start of the clear run at the end of the window, once it has held for clearFor; null otherwise. */
  readonly clearSince: number | null;
  /** Event time of the newest data seen for the device. */
  readonly latestAt: number;
  readonly latestValue: number;
  /** Rule-specific facts for the summary (e.g. the usual reporting interval of a no-data rule). */
  readonly facts?: Readonly<Record<string, number>>;
}
