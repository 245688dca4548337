/**
 * Every reason a message or reading can be refused for. Each has its own code so that a field engineer can tell
 * a misconfigured meter (METRIC_UNKNOWN) from a failing probe (VALUE_OUT_OF_RANGE) from a clock fault (TS_IN_FUTURE).
 */
export const REJECT_REASONS = {
  TOPIC_INVALID: 'Topic is not sensors/{domain}/{deviceId}/telemetry or .../status',
  DOMAIN_UNKNOWN: 'Domain is not in the catalogue: the built-in water, power, gas, heat and traffic, or one an admin added (GET /api/catalogue)',
  DEVICE_ID_INVALID: 'Device id does not match [A-Za-z0-9_-]{1,64}',
  PAYLOAD_TOO_LARGE: 'Payload is larger than HUB_MAX_PAYLOAD_BYTES',
  MALFORMED_JSON: 'Payload is not valid UTF-8 JSON (a byte order mark or a NUL byte included)',
  NESTING_TOO_DEEP: 'Arrays and objects nest deeper than 32 levels (a reading needs 3); refused before parsing',
  DUPLICATE_KEY: 'An object repeats a key; parsers disagree on which value counts, so the message is refused whole',
  BATCH_EMPTY: 'Payload is an empty array',
  BATCH_TOO_LARGE: 'Array holds more readings than HUB_MAX_BATCH_READINGS',
  READING_NOT_OBJECT: 'A reading is not a JSON object',
  FIELD_UNKNOWN: 'A reading has a field other than ts, seq and metrics',
  METRICS_MISSING: 'A reading has no "metrics" object, or it is empty',
  METRIC_UNKNOWN: 'A metric is not in the catalogue of its domain',
  VALUE_NOT_NUMBER: 'A metric value is not a JSON number (string, null, boolean, object)',
  VALUE_NOT_FINITE: 'A metric value overflows to Infinity (e.g. 1e400)',
  VALUE_NOT_INTEGER: 'A count metric has a fractional value',
  VALUE_OUT_OF_RANGE: 'A metric value is outside its plausible physical range',
  TS_INVALID: 'ts is neither epoch milliseconds nor an ISO-8601 date-time',
  TS_IN_FUTURE: 'ts is further ahead of the receive time than HUB_MAX_FUTURE_SKEW',
  TS_TOO_OLD: 'ts is older than HUB_MAX_READING_AGE',
  SEQ_INVALID: 'seq is not a non-negative integer',
  STATUS_INVALID: 'A message on sensors/{domain}/{deviceId}/status is neither "online" nor "offline"',
  INFLUX_REFUSED: 'InfluxDB refused the point (its own reason is in the detail)',
  TOPIC_FORBIDDEN: 'The sender may not publish on this topic: a device publishes only on its own sensors/{its domain}/{its id}/telemetry, .../status, .../commands/reply and .../config/reported; a gateway also on those four topics of each device registered under it',
  DEVICE_QUARANTINED: 'The device is not approved yet (quarantine mode): its messages are held here, not stored, until an operator approves it',
  COMMAND_REPLY_INVALID: 'A message on sensors/{domain}/{deviceId}/commands/reply is not { "id", "ok": true, "result"? } or { "id", "ok": false, "error" }',
  COMMAND_UNKNOWN: 'A command reply names a command id the hub never sent to this device',
  CONFIG_REPORT_INVALID: 'A message on sensors/{domain}/{deviceId}/config/reported is not a JSON object (at most 16 KiB)',
  PAYLOAD_ENCODING_INVALID: 'The payload is not the hex or base64 text its device profile says it is',
  DECODER_ERROR: 'The device profile\'s decoder threw, or its script returned errors: the script\'s own message is in the detail, the raw payload in the dead letter',
  DECODER_TIMEOUT: 'The device profile\'s decoder ran past its time limit (an endless loop, a catastrophic regular expression)',
  DECODER_MEMORY_LIMIT: 'The device profile\'s script used more memory than its sandbox has',
  DECODER_OUTPUT_INVALID:
    'The decoder\'s output is not readings: not an object, too large, a value that is not a finite number, an unknown unit, a bad ts or seq, or no metric at all',
  PROFILE_UNKNOWN: 'The device names a device profile that no longer exists (deleted while the device kept it)',
  EVENT_NOT_JSON: 'A LoRaWAN network server event is not valid UTF-8 JSON, or nests deeper than 32 levels',
  EVENT_MALFORMED: 'A network server event is JSON but not an uplink the hub can read: a field missing or of the wrong type (named in the detail)',
  DEVICE_NOT_ACTIVE: 'A network server sent an uplink for a device that is disabled, rejected or waiting in quarantine: kept as this dead letter, not stored',
  NETWORK_SERVER_ERROR: 'The network server reported an error for the device (a ChirpStack log event of level ERROR): its code and description are in the detail',
  DEV_EUI_UNKNOWN: 'A network server sent an uplink of a DevEUI no registered device has (give the device its devEui in the registry)',
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;

export const REJECT_REASON_CODES = Object.keys(REJECT_REASONS) as RejectReason[];

export function isRejectReason(value: string): value is RejectReason {
  return Object.prototype.hasOwnProperty.call(REJECT_REASONS, value);
}
