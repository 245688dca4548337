import type { Generated } from 'kysely';

/**
 * The hub's tables as the code reads them, one type for both dialects: INTEGER/BIGINT and REAL/DOUBLE PRECISION are
 * `number` (the store must parse PostgreSQL's int8 to a number), TEXT is `string`. `Generated` marks a column an
 * insert may omit: an AUTOINCREMENT/identity id or a column with a DEFAULT. A TEXT primary key is `string`: SQLite
 * would take a NULL there, PostgreSQL would not, and the code never gives one. schema.spec.ts holds this to SQLite's
 * migrations, migrations/postgres-baseline.spec.ts holds POSTGRES_BASELINE to them.
 */

/** Messages the hub refused, with the reason and the payload (or its start), oldest evicted first. */
export interface DeadLettersTable {
  id: Generated<number>;
  received_at: number;
  reason: string;
  detail: string;
  topic: string;
  client_id: string | null;
  device_id: string | null;
  domain: string | null;
  batch_index: number | null;
  payload: string;
  payload_bytes: number;
  payload_truncated: number;
  payload_encoding: Generated<string>;
}

/** Named running totals (refused messages per reason) that outlive evicted dead letters. */
export interface CountersTable {
  name: string;
  value: number;
}

/** Each device's presence: online or not, when it was last seen and its last values. */
export interface DevicesTable {
  device_id: string;
  domain: string;
  client_id: string | null;
  online: number;
  first_seen: number;
  last_seen: number;
  last_reading_ts: number | null;
  last_values: string;
  last_value_ts: Generated<string>;
  status_changed_at: number;
}

/** Alert rules, each a JSON spec with a revision, and how far it has been evaluated. */
export interface AlertRulesTable {
  id: string;
  revision: number;
  spec: string;
  created_at: number;
  updated_at: number;
  evaluated_through: number | null;
}

/** Alerts; at most one open per rule and device (alerts_one_open). */
export interface AlertsTable {
  id: Generated<number>;
  rule_id: string;
  rule_name: string;
  condition_type: string;
  severity: string;
  domain: string;
  metric: string;
  unit: string;
  device_id: string;
  town: string | null;
  state: string;
  summary: string;
  started_at: number;
  fired_at: number;
  updated_at: number;
  condition_active: number;
  condition_ended_at: number | null;
  value: number;
  value_at: number;
  peak: number;
  peak_score: number;
  count: number;
  flapping: number;
  openings: string;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  acknowledge_note: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution: string | null;
  village: string | null;
}

/** Each alert's history; the rows with notify = 1 are also the notification outbox. */
export interface AlertEventsTable {
  id: Generated<number>;
  alert_id: number;
  at: number;
  kind: string;
  actor: string;
  note: string | null;
  from_state: string | null;
  to_state: string;
  notify: number;
  silence_id: number | null;
  payload: string | null;
}

/** Silences: a time window muting alerts of a domain, town, device and/or rule. */
export interface AlertSilencesTable {
  id: Generated<number>;
  domain: string | null;
  town: string | null;
  device_id: string | null;
  rule_id: string | null;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

/** Each notification channel's cursor into alert_events. */
export interface AlertNotificationCursorsTable {
  channel: string;
  last_event_id: number;
}

/** Small alert settings, a value per key. */
export interface AlertSettingsTable {
  key: string;
  value: string;
}

/** The device registry: each device or gateway with its credential's hash, place, profile and DevEUI. */
export interface RegistryDevicesTable {
  device_id: string;
  domain: string | null;
  town: string | null;
  site: string | null;
  latitude: number | null;
  longitude: number | null;
  expected_interval_s: number | null;
  description: Generated<string>;
  enabled: Generated<number>;
  status: Generated<string>;
  secret_hash: string | null;
  secret_issued_at: number | null;
  first_seen_address: string | null;
  connect_attempts: Generated<number>;
  created_at: number;
  created_by: string;
  updated_at: number;
  kind: Generated<string>;
  gateway_id: string | null;
  gateway_domains: Generated<string>;
  profile_id: string | null;
  dev_eui: string | null;
  village: string | null;
}

/** Department and integration MQTT clients, with the hash of their secret and their scopes (JSON arrays). */
export interface MqttClientsTable {
  name: string;
  secret_hash: string | null;
  secret_issued_at: number | null;
  domains: string;
  towns: string;
  description: Generated<string>;
  created_at: number;
  created_by: string;
  updated_at: number;
  revoked_at: number | null;
}

/** Operators: the hash of their password, role and scopes (JSON arrays; empty means all). */
export interface OperatorsTable {
  username: string;
  password_hash: string;
  role: string;
  towns: string;
  domains: string;
  disabled: Generated<number>;
  created_at: number;
  created_by: string;
  updated_at: number;
}

/** Operators' console sessions, by the hash of their token. */
export interface OperatorSessionsTable {
  token_hash: string;
  username: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

/** API keys, by the hash of the key, with role and scopes. */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  description: Generated<string>;
  key_hash: string;
  key_prefix: string;
  role: string;
  towns: string;
  domains: string;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Every change made through the hub: who, what, on what. */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  detail: Generated<string>;
}

/** Commands to devices and their status until done or expired (an offline device's queue). */
export interface DeviceCommandsTable {
  id: string;
  device_id: string;
  domain: string;
  name: string;
  args: string;
  status: string;
  created_at: number;
  created_by: string;
  expires_at: number;
  sent_at: number | null;
  delivered_at: number | null;
  finished_at: number | null;
  result: string | null;
  error: string | null;
}

/** Each device's desired and reported configuration. */
export interface DeviceConfigTable {
  device_id: string;
  domain: string;
  desired: string | null;
  desired_at: number | null;
  desired_by: string | null;
  reported: string | null;
  reported_at: number | null;
}

/** Domains admins added to the catalogue at run time. */
export interface CatalogueDomainsTable {
  domain: string;
  description: string;
  position: number;
  created_at: number;
  created_by: string;
}

/** Metrics admins added or changed (a row overrides a built-in one's range); retired, never deleted. */
export interface CatalogueMetricsTable {
  domain: string;
  metric: string;
  unit: string;
  description: string;
  range_min: number;
  range_max: number;
  typical_min: number;
  typical_max: number;
  integer: number;
  retired_at: number | null;
  position: number;
  updated_at: number;
  updated_by: string;
}

/** How a vendor's payloads become readings: domain, decoder (JSON) and sample payloads. */
export interface DeviceProfilesTable {
  id: string;
  name: string;
  description: Generated<string>;
  domain: string;
  decoder: string;
  network_server_object: Generated<number>;
  samples: Generated<string>;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

/** LoRaWAN network servers the hub takes uplinks from as an MQTT client, one row per connection. */
export interface NetworkServersTable {
  name: string;
  kind: string;
  url: string;
  username: string | null;
  password: string | null;
  tls_ca: string | null;
  tls_reject_unauthorized: number;
  application_ids: string;
  client_id: string;
  enabled: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

/** Where alert changes are sent: the kind, its JSON settings (secrets included) and language. */
export interface ContactPointsTable {
  name: string;
  kind: string;
  settings: string;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  language: string | null;
}

/** Each send attempt to a contact point (alert_id null for a test message). */
export interface ContactPointDeliveriesTable {
  id: Generated<number>;
  contact_point: string;
  alert_id: number | null;
  at: number;
  ok: number;
  status: number | null;
  provider_answer: string;
  retryable: number;
}

/** The notification routing tree as one JSON document (one row, id 1). */
export interface NotificationPolicyTable {
  id: number;
  document: string;
  updated_at: number;
  updated_by: string;
}

/** The last alert event the routing engine handled (one row, id 1). */
export interface NotificationRoutingStateTable {
  id: number;
  last_event_id: number;
}

/** Routing groups per route and group key, with when they are next due. */
export interface NotificationGroupsTable {
  route: string;
  group_key: string;
  severity: string;
  due_at: number | null;
  last_sent_at: number | null;
  repeat_due_at: number | null;
}

/** Alert changes waiting in a group for its next message. */
export interface NotificationGroupPendingTable {
  route: string;
  group_key: string;
  alert_id: number;
  event_id: number;
  reason: string;
  payload: string;
}

/** Open alerts per route with their escalation level and when the next one is due. */
export interface NotificationOpenAlertsTable {
  route: string;
  alert_id: number;
  group_key: string;
  severity: string;
  fired_at: number;
  level: number;
  next_level_at: number | null;
  payload: string;
}

/** Messages queued for contact points, with their attempts. */
export interface NotificationOutgoingTable {
  id: Generated<number>;
  route: string;
  contact_point: string;
  level: number;
  reason: string;
  alerts: string;
  created_at: number;
  attempts: Generated<number>;
  next_attempt_at: number;
}

/** The delivery log: each message outcome per contact point, with its message and kind. */
export interface NotificationDeliveriesTable {
  id: Generated<number>;
  at: number;
  route: string;
  contact_point: string;
  level: number;
  reason: string;
  outcome: string;
  attempt: number;
  alerts: string;
  provider_answer: string;
  message_id: number | null;
  kind: string | null;
}

/** Operators' own addresses per channel and the routes they subscribe to (JSON). */
export interface OperatorNotificationSettingsTable {
  username: string;
  email: string | null;
  phone: string | null;
  subscriptions: string;
  updated_at: number;
}

/** Which delivery log rows concern which alert. */
export interface NotificationDeliveryAlertsTable {
  alert_id: number;
  delivery_id: number;
}

/** Admins' overrides of the shipped message texts, per language and template name. */
export interface NotificationTemplatesTable {
  language: string;
  name: string;
  body: string;
  updated_at: number;
  updated_by: string;
}

/** The county's standards profile, chosen at the first start (one row, id 1). */
export interface StandardsProfileTable {
  id: number;
  profile: string;
  chosen_at: number;
  chosen_by: string;
}

/** Operators' console language and time zone. */
export interface OperatorPreferencesTable {
  username: string;
  language: string | null;
  time_zone: string | null;
  updated_at: number;
}

/** The area hierarchy: county → town → village, a village's path being `Town/Village`. */
export interface AreasTable {
  path: string;
  name: string;
  parent: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
}

/** One GeoJSON polygon or multipolygon per area path, for the map. */
export interface AreaBoundariesTable {
  area: string;
  geometry: string;
  updated_at: number;
  updated_by: string;
}

/** Admins' scheduled report definitions. */
export interface ReportDefinitionsTable {
  id: Generated<number>;
  name: string;
  area: string;
  domain: string | null;
  period: string;
  language: string;
  contact_points: string;
  enabled: number;
  first_period_start: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

/** Each report made, one per definition and period, with its figures, HTML, CSV and deliveries. */
export interface ReportRunsTable {
  id: Generated<number>;
  definition_id: number;
  name: string;
  area: string;
  domain: string | null;
  language: string;
  period: string;
  period_start: number;
  period_end: number;
  label: string;
  trigger: string;
  created_at: number;
  created_by: string;
  figures: string;
  html: string;
  csv: string;
  deliveries: string;
}

/** How far each aggregate resolution is aggregated (every bucket before until_ms). */
export interface DownsampleWatermarksTable {
  resolution: string;
  until_ms: number;
  updated_at: number;
}

/** Buckets before the watermark that got late readings; version grows with each one. */
export interface DownsampleDirtyTable {
  resolution: string;
  bucket_ms: number;
  version: number;
}

/** Batches not yet confirmed by InfluxDB, durable in the shared database (cluster); claimed by one node at a time. */
export interface IngestSpoolTable {
  id: Generated<number>;
  node_id: string;
  spooled_at: number;
  lines: number;
  payload: string;
  claimed_by: string | null;
  claimed_until: number | null;
}

/** One row a job only one node may run (the alert evaluator): who holds it, since which epoch, until when (database clock). */
export interface ClusterLeasesTable {
  name: string;
  holder: string;
  epoch: number;
  expires_at: number;
  renewed_at: number;
}

export interface HubDatabase {
  dead_letters: DeadLettersTable;
  counters: CountersTable;
  devices: DevicesTable;
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  alert_silences: AlertSilencesTable;
  alert_notification_cursors: AlertNotificationCursorsTable;
  alert_settings: AlertSettingsTable;
  registry_devices: RegistryDevicesTable;
  mqtt_clients: MqttClientsTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  device_commands: DeviceCommandsTable;
  device_config: DeviceConfigTable;
  catalogue_domains: CatalogueDomainsTable;
  catalogue_metrics: CatalogueMetricsTable;
  device_profiles: DeviceProfilesTable;
  network_servers: NetworkServersTable;
  contact_points: ContactPointsTable;
  contact_point_deliveries: ContactPointDeliveriesTable;
  notification_policy: NotificationPolicyTable;
  notification_routing_state: NotificationRoutingStateTable;
  notification_groups: NotificationGroupsTable;
  notification_group_pending: NotificationGroupPendingTable;
  notification_open_alerts: NotificationOpenAlertsTable;
  notification_outgoing: NotificationOutgoingTable;
  notification_deliveries: NotificationDeliveriesTable;
  operator_notification_settings: OperatorNotificationSettingsTable;
  notification_delivery_alerts: NotificationDeliveryAlertsTable;
  notification_templates: NotificationTemplatesTable;
  standards_profile: StandardsProfileTable;
  operator_preferences: OperatorPreferencesTable;
  areas: AreasTable;
  area_boundaries: AreaBoundariesTable;
  report_definitions: ReportDefinitionsTable;
  report_runs: ReportRunsTable;
  downsample_watermarks: DownsampleWatermarksTable;
  downsample_dirty: DownsampleDirtyTable;
  ingest_spool: IngestSpoolTable;
  cluster_leases: ClusterLeasesTable;
}

export type TableName = keyof HubDatabase;

/** Every table in creation order, which puts alerts before alert_events and operators before operator_sessions. */
export const TABLES: readonly TableName[] = [
  'dead_letters',
  'counters',
  'devices',
  'alert_rules',
  'alerts',
  'alert_events',
  'alert_silences',
  'alert_notification_cursors',
  'alert_settings',
  'registry_devices',
  'mqtt_clients',
  'operators',
  'operator_sessions',
  'api_keys',
  'audit_log',
  'device_commands',
  'device_config',
  'catalogue_domains',
  'catalogue_metrics',
  'device_profiles',
  'network_servers',
  'contact_points',
  'contact_point_deliveries',
  'notification_policy',
  'notification_routing_state',
  'notification_groups',
  'notification_group_pending',
  'notification_open_alerts',
  'notification_outgoing',
  'notification_deliveries',
  'operator_notification_settings',
  'notification_delivery_alerts',
  'notification_templates',
  'standards_profile',
  'operator_preferences',
  'areas',
  'area_boundaries',
  'report_definitions',
  'report_runs',
  'downsample_watermarks',
  'downsample_dirty',
  'ingest_spool',
  'cluster_leases',
];
