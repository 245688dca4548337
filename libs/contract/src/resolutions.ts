/**
 * The resolutions readings are stored at: raw readings, per-minute and per-hour aggregates (sum, count, min, max of
 * each metric). The retention settings name them, and the readings and roll-up APIs say which they answered from.
 */
export const READING_RESOLUTIONS = ['raw', '1m', '1h'] as const;
export type ReadingResolution = (typeof READING_RESOLUTIONS)[number];
