import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

/**
 * Ordered schema migrations; the index + 1 is the schema version kept in PRAGMA user_version. Exported so a test can
 * find a migration and open a database at the version before it (openSqliteDatabase's `schemaVersion`).
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     received_at INTEGER NOT NULL,
     reason TEXT NOT NULL,
     detail TEXT NOT NULL,
     topic TEXT NOT NULL,
     client_id TEXT,
     device_id TEXT,
     domain TEXT,
     batch_index INTEGER,
     payload TEXT NOT NULL,
     payload_bytes INTEGER NOT NULL,
     payload_truncated INTEGER NOT NULL
   );
   CREATE INDEX dead_letters_reason ON dead_letters (reason, id);
   CREATE INDEX dead_letters_device ON dead_letters (device_id, id);
   CREATE INDEX dead_letters_received ON dead_letters (received_at);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE devices (
     device_id TEXT PRIMARY KEY,
     domain TEXT NOT NULL,
     client_id TEXT,
     online INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     last_reading_ts INTEGER,
     last_values TEXT NOT NULL,
     last_value_ts TEXT NOT NULL DEFAULT '{}',
     status_changed_at INTEGER NOT NULL
   );`,
  // Alerts: rules (spec as JSON), alerts (at most one open per rule and device, enforced here), their history (which
  // doubles as the notification outbox: each channel keeps a cursor into it), silences and small settings.
  `CREATE TABLE alert_rules (
     id TEXT PRIMARY KEY,
     revision INTEGER NOT NULL,
     spec TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     evaluated_through INTEGER
   );
   CREATE TABLE alerts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     rule_id TEXT NOT NULL,
     rule_name TEXT NOT NULL,
     condition_type TEXT NOT NULL,
     severity TEXT NOT NULL,
     domain TEXT NOT NULL,
     metric TEXT NOT NULL,
     unit TEXT NOT NULL,
     device_id TEXT NOT NULL,
     town TEXT,
     state TEXT NOT NULL,
     summary TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     fired_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     condition_active INTEGER NOT NULL,
     condition_ended_at INTEGER,
     value REAL NOT NULL,
     value_at INTEGER NOT NULL,
     peak REAL NOT NULL,
     peak_score REAL NOT NULL,
     count INTEGER NOT NULL,
     flapping INTEGER NOT NULL,
     openings TEXT NOT NULL,
     acknowledged_by TEXT,
     acknowledged_at INTEGER,
     acknowledge_note TEXT,
     resolved_at INTEGER,
     resolved_by TEXT,
     resolution TEXT
   );
   CREATE UNIQUE INDEX alerts_one_open ON alerts (rule_id, device_id) WHERE state != 'resolved';
   CREATE INDEX alerts_followed ON alerts (rule_id, device_id) WHERE state != 'resolved' OR condition_active = 1;
   CREATE INDEX alerts_rule_ended ON alerts (rule_id, condition_ended_at);
   CREATE INDEX alerts_state ON alerts (state, id);
   CREATE INDEX alerts_device ON alerts (device_id, id);
   CREATE INDEX alerts_fired ON alerts (fired_at);
   CREATE TABLE alert_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     alert_id INTEGER NOT NULL REFERENCES alerts (id),
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     actor TEXT NOT NULL,
     note TEXT,
     from_state TEXT,
     to_state TEXT NOT NULL,
     notify INTEGER NOT NULL,
     silence_id INTEGER,
     payload TEXT
   );
   CREATE INDEX alert_events_alert ON alert_events (alert_id, id);
   CREATE INDEX alert_events_outbox ON alert_events (id) WHERE notify = 1;
   CREATE TABLE alert_silences (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     domain TEXT,
     town TEXT,
     device_id TEXT,
     rule_id TEXT,
     starts_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL,
     reason TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX alert_silences_ends ON alert_silences (ends_at);
   CREATE TABLE alert_notification_cursors (channel TEXT PRIMARY KEY, last_event_id INTEGER NOT NULL);
   CREATE TABLE alert_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Access (issue 6): the device registry with each device's credential, department/integration MQTT clients,
  // operators with their sessions, API keys, and the audit log of every change. Secrets are stored only as hashes.
  // Scopes (towns, domains) are JSON arrays; an empty array means "all".
  `CREATE TABLE registry_devices (
     device_id TEXT PRIMARY KEY,
     domain TEXT, -- null only for a quarantined device that has not published yet
     town TEXT,
     site TEXT,
     latitude REAL,
     longitude REAL,
     expected_interval_s INTEGER,
     description TEXT NOT NULL DEFAULT '',
     enabled INTEGER NOT NULL DEFAULT 1,
     status TEXT NOT NULL DEFAULT 'active',
     secret_hash TEXT,
     secret_issued_at INTEGER,
     first_seen_address TEXT,
     connect_attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX registry_devices_town ON registry_devices (town, device_id);
   CREATE INDEX registry_devices_status ON registry_devices (status, device_id);
   CREATE TABLE mqtt_clients (
     name TEXT PRIMARY KEY,
     secret_hash TEXT,
     secret_issued_at INTEGER,
     domains TEXT NOT NULL,
     towns TEXT NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE TABLE operators (
     username TEXT PRIMARY KEY,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL,
     towns TEXT NOT NULL,
     domains TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE operator_sessions (
     token_hash TEXT PRIMARY KEY,
     username TEXT NOT NULL REFERENCES operators (username),
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL
   );
   CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);
   CREATE TABLE api_keys (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE,
     description TEXT NOT NULL DEFAULT '',
     key_hash TEXT NOT NULL UNIQUE,
     key_prefix TEXT NOT NULL,
     role TEXT NOT NULL,
     towns TEXT NOT NULL,
     domains TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     revoked_at INTEGER,
     last_used_at INTEGER
   );
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target_type TEXT NOT NULL,
     target_id TEXT,
     detail TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX audit_log_at ON audit_log (at);
   CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);`,
  // Gateways (issue 14): a registry entry may be a gateway (a DTU or concentrator) with the domains it speaks for
  // (a JSON array), and a device may name the gateway that publishes for it.
  `ALTER TABLE registry_devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'device';
   ALTER TABLE registry_devices ADD COLUMN gateway_id TEXT;
   ALTER TABLE registry_devices ADD COLUMN gateway_domains TEXT NOT NULL DEFAULT '[]';
   CREATE INDEX registry_devices_gateway ON registry_devices (gateway_id, device_id) WHERE gateway_id IS NOT NULL;`,
  // Commands and configuration back to devices (issue 14): each command with its status until it is done or
  // expired (the queue of an offline device is the rows still queued), and each device's desired and reported config.
  `CREATE TABLE device_commands (
     id TEXT PRIMARY KEY,
     device_id TEXT NOT NULL,
     domain TEXT NOT NULL,
     name TEXT NOT NULL,
     args TEXT NOT NULL,
     status TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     sent_at INTEGER,
     delivered_at INTEGER,
     finished_at INTEGER,
     result TEXT,
     error TEXT
   );
   CREATE INDEX device_commands_device ON device_commands (device_id, created_at);
   CREATE INDEX device_commands_open ON device_commands (status, expires_at) WHERE status IN ('queued', 'sent', 'delivered');
   CREATE TABLE device_config (
     device_id TEXT PRIMARY KEY,
     domain TEXT NOT NULL,
     desired TEXT,
     desired_at INTEGER,
     desired_by TEXT,
     reported TEXT,
     reported_at INTEGER
   );`,
  // The run-time catalogue (issue 14): domains admins added, and metrics they added or changed (a built-in metric's
  // row overrides its shipped range, band and description). Retiring sets retired_at; no row is ever deleted, so a
  // metric's name keeps meaning what it meant for the readings stored under it.
  `CREATE TABLE catalogue_domains (
     domain TEXT PRIMARY KEY,
     description TEXT NOT NULL,
     position INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL
   );
   CREATE TABLE catalogue_metrics (
     domain TEXT NOT NULL,
     metric TEXT NOT NULL,
     unit TEXT NOT NULL,
     description TEXT NOT NULL,
     range_min REAL NOT NULL,
     range_max REAL NOT NULL,
     typical_min REAL NOT NULL,
     typical_max REAL NOT NULL,
     integer INTEGER NOT NULL,
     retired_at INTEGER,
     position INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL,
     PRIMARY KEY (domain, metric)
   );`,
  // Device profiles (issue 15): how a vendor's payloads become readings — the domain, the decoder (a JSONata mapping
  // or a sandboxed codec, as JSON) and the vendor's sample payloads. A device names its profile; a LoRaWAN device
  // also its DevEUI, which network servers address it by (unique, lower-case hex).
  `CREATE TABLE device_profiles (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     domain TEXT NOT NULL,
     decoder TEXT NOT NULL,
     network_server_object INTEGER NOT NULL DEFAULT 0,
     samples TEXT NOT NULL DEFAULT '[]',
     version INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );
   ALTER TABLE registry_devices ADD COLUMN profile_id TEXT;
   ALTER TABLE registry_devices ADD COLUMN dev_eui TEXT;
   CREATE UNIQUE INDEX registry_devices_dev_eui ON registry_devices (dev_eui) WHERE dev_eui IS NOT NULL;
   CREATE INDEX registry_devices_profile ON registry_devices (profile_id) WHERE profile_id IS NOT NULL;
   ALTER TABLE dead_letters ADD COLUMN payload_encoding TEXT NOT NULL DEFAULT 'utf8';`,
  // LoRaWAN network servers the hub takes uplinks from as an MQTT client (issue 15): one row per connection. The
  // password is kept as given, since the hub must present it to the broker; it is never returned or logged.
  `CREATE TABLE network_servers (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     url TEXT NOT NULL,
     username TEXT,
     password TEXT,
     tls_ca TEXT,
     tls_reject_unauthorized INTEGER NOT NULL,
     application_ids TEXT NOT NULL,
     client_id TEXT NOT NULL,
     enabled INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );`,
  // Contact points (issue 16): where alert changes are sent. `settings` is the kind's JSON, secrets included, since
  // the hub must present them; they are never returned, logged or audited. Each send attempt is one delivery row
  // (alert_id NULL for a test message); a point's rows go with it.
  `CREATE TABLE contact_points (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     settings TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );
   CREATE TABLE contact_point_deliveries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     contact_point TEXT NOT NULL,
     alert_id INTEGER,
     at INTEGER NOT NULL,
     ok INTEGER NOT NULL,
     status INTEGER,
     provider_answer TEXT NOT NULL,
     retryable INTEGER NOT NULL
   );
   CREATE INDEX contact_point_deliveries_point ON contact_point_deliveries (contact_point, id);`,
  // Notification policies (issue 16): the routing tree as one document, and the routing engine's state, so a restart
  // between escalation levels neither repeats one nor skips one. last_event_id makes the engine idempotent on the
  // outbox's redeliveries (at least once in); a level moves on in the same transaction that queues its messages.
  `CREATE TABLE notification_policy (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     document TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );
   CREATE TABLE notification_routing_state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     last_event_id INTEGER NOT NULL
   );
   CREATE TABLE notification_groups (
     route TEXT NOT NULL,
     group_key TEXT NOT NULL,
     severity TEXT NOT NULL,
     due_at INTEGER,
     last_sent_at INTEGER,
     repeat_due_at INTEGER,
     PRIMARY KEY (route, group_key)
   );
   CREATE TABLE notification_group_pending (
     route TEXT NOT NULL,
     group_key TEXT NOT NULL,
     alert_id INTEGER NOT NULL,
     event_id INTEGER NOT NULL,
     reason TEXT NOT NULL,
     payload TEXT NOT NULL,
     PRIMARY KEY (route, group_key, alert_id)
   );
   CREATE TABLE notification_open_alerts (
     route TEXT NOT NULL,
     alert_id INTEGER NOT NULL,
     group_key TEXT NOT NULL,
     severity TEXT NOT NULL,
     fired_at INTEGER NOT NULL,
     level INTEGER NOT NULL,
     next_level_at INTEGER,
     payload TEXT NOT NULL,
     PRIMARY KEY (route, alert_id)
   );
   CREATE TABLE notification_outgoing (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     route TEXT NOT NULL,
     contact_point TEXT NOT NULL,
     level INTEGER NOT NULL,
     reason TEXT NOT NULL,
     alerts TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL
   );
   CREATE INDEX notification_outgoing_contact_point ON notification_outgoing (contact_point, id);
   CREATE TABLE notification_deliveries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     route TEXT NOT NULL,
     contact_point TEXT NOT NULL,
     level INTEGER NOT NULL,
     reason TEXT NOT NULL,
     outcome TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     alerts TEXT NOT NULL,
     provider_answer TEXT NOT NULL
   );`,
  // Operators' own notification settings (issue 16 point 6): their address per channel and the named routes they
  // subscribe to (JSON [{ route, channels }]). A row of an operator since removed is ignored, not followed.
  `CREATE TABLE operator_notification_settings (
     username TEXT PRIMARY KEY,
     email TEXT,
     phone TEXT,
     subscriptions TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // The delivery log per alert (issue 16 point 5): which log rows concern which alert, so an alert's timeline is one
  // index lookup instead of a scan of every row's JSON; the message (notification_outgoing id) each row belongs to, so
  // queued → failed → sent read as one message's story; and the contact point's kind as it was at the attempt (it
  // outlives a deleted contact point). Rows written before this migration get their alerts and, where the contact
  // point still exists, its kind; their message is unknown.
  `ALTER TABLE notification_deliveries ADD COLUMN message_id INTEGER;
   ALTER TABLE notification_deliveries ADD COLUMN kind TEXT;
   CREATE TABLE notification_delivery_alerts (
     alert_id INTEGER NOT NULL,
     delivery_id INTEGER NOT NULL,
     PRIMARY KEY (alert_id, delivery_id)
   ) WITHOUT ROWID;
   CREATE INDEX notification_delivery_alerts_delivery ON notification_delivery_alerts (delivery_id);
   INSERT OR IGNORE INTO notification_delivery_alerts (alert_id, delivery_id)
     SELECT json_extract(entry.value, '$.alertId'), deliveries.id FROM notification_deliveries AS deliveries, json_each(deliveries.alerts) AS entry;
   UPDATE notification_deliveries SET kind = (SELECT kind FROM contact_points WHERE contact_points.name = notification_deliveries.contact_point);`,
  // Message templates (issue 16 point 4): a contact point's own language (NULL: HUB_NOTIFY_LANGUAGE), and the admins'
  // overrides of the shipped texts, one row per language and template name; deleting a row restores the default.
  `ALTER TABLE contact_points ADD COLUMN language TEXT;
   CREATE TABLE notification_templates (
     language TEXT NOT NULL,
     name TEXT NOT NULL,
     body TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL,
     PRIMARY KEY (language, name)
   );`,
  // The county's standards profile (issue 17 point 4): chosen at the first start, then changed only by an admin. A
  // database that already held a hub's data was running the eu pack and catalogue, which is what it keeps.
  `CREATE TABLE standards_profile (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     profile TEXT NOT NULL,
     chosen_at INTEGER NOT NULL,
     chosen_by TEXT NOT NULL
   );
   INSERT INTO standards_profile (id, profile, chosen_at, chosen_by)
     SELECT 1, 'eu', CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'system'
     WHERE EXISTS (SELECT 1 FROM alert_settings) OR EXISTS (SELECT 1 FROM alert_rules) OR EXISTS (SELECT 1 FROM devices);`,
  // Operators' own console choices (issue 17): language and time zone, so they follow the operator to another computer.
  `CREATE TABLE operator_preferences (
     username TEXT PRIMARY KEY,
     language TEXT,
     time_zone TEXT,
     updated_at INTEGER NOT NULL
   );`,
  // The area hierarchy (issue 18 point 1): county → town → village/street, a village's path being `Town/Village`.
  // Devices and alerts gain their village. Every town the database already names — devices', scopes' (operators, API
  // keys, MQTT clients), rule selectors', silences', old alerts' and notification policy matchers' — becomes a
  // first-level area, so nothing that worked before the registry existed loses its town. `/` now separates the
  // levels: an old town name holding one gets U+2215 (∕) instead, wherever it is stored but in the policy document
  // (rare, and read there as a village path that matches nothing, i.e. narrower, never wider), and each such rename
  // is audited.
  `CREATE TABLE areas (
     path TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     parent TEXT,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX areas_parent ON areas (parent, name);
   ALTER TABLE registry_devices ADD COLUMN village TEXT;
   ALTER TABLE alerts ADD COLUMN village TEXT;
   CREATE TEMP TABLE migrating_towns AS
     SELECT town AS name FROM registry_devices WHERE town IS NOT NULL
     UNION SELECT entry.value FROM operators, json_each(operators.towns) AS entry
     UNION SELECT entry.value FROM api_keys, json_each(api_keys.towns) AS entry
     UNION SELECT entry.value FROM mqtt_clients, json_each(mqtt_clients.towns) AS entry
     UNION SELECT entry.value FROM alert_rules, json_each(alert_rules.spec, '$.selector.towns') AS entry
     UNION SELECT town FROM alert_silences WHERE town IS NOT NULL
     UNION SELECT town FROM alerts WHERE town IS NOT NULL
     UNION SELECT entry.value FROM notification_policy, json_tree(notification_policy.document) AS entry
       WHERE entry.type = 'text' AND entry.path LIKE '%.towns';
   INSERT INTO audit_log (at, actor, action, target_type, target_id, detail)
     SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'migration', 'area.rename', 'area', replace(name, '/', '∕'),
       json_object('from', name, 'to', replace(name, '/', '∕'), 'why', 'an area name may not contain "/": it separates a town from its villages')
     FROM migrating_towns WHERE instr(name, '/') > 0 ORDER BY name;
   UPDATE registry_devices SET town = replace(town, '/', '∕') WHERE instr(town, '/') > 0;
   UPDATE alert_silences SET town = replace(town, '/', '∕') WHERE instr(town, '/') > 0;
   UPDATE alerts SET town = replace(town, '/', '∕') WHERE instr(town, '/') > 0;
   UPDATE operators SET towns = (SELECT json_group_array(replace(value, '/', '∕')) FROM json_each(operators.towns)) WHERE instr(towns, '/') > 0;
   UPDATE api_keys SET towns = (SELECT json_group_array(replace(value, '/', '∕')) FROM json_each(api_keys.towns)) WHERE instr(towns, '/') > 0;
   UPDATE mqtt_clients SET towns = (SELECT json_group_array(replace(value, '/', '∕')) FROM json_each(mqtt_clients.towns)) WHERE instr(towns, '/') > 0;
   UPDATE alert_rules SET spec = json_set(spec, '$.selector.towns', json((SELECT json_group_array(replace(value, '/', '∕')) FROM json_each(alert_rules.spec, '$.selector.towns'))))
     WHERE instr(json_extract(spec, '$.selector.towns'), '/') > 0;
   INSERT OR IGNORE INTO areas (path, name, parent, created_at, created_by, updated_at)
     SELECT replace(name, '/', '∕'), replace(name, '/', '∕'), NULL, CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'migration', CAST(strftime('%s', 'now') AS INTEGER) * 1000
     FROM migrating_towns ORDER BY name;
   INSERT INTO audit_log (at, actor, action, target_type, target_id, detail)
     SELECT created_at, 'migration', 'area.create', 'area', path, json_object('name', name, 'level', 'town', 'via', 'migration') FROM areas ORDER BY path;
   DROP TABLE temp.migrating_towns;`,
  // Area boundaries for the map (issue 18 point 3): one polygon or multipolygon per area path, replaced as a whole
  // when an admin uploads the county's GeoJSON; geometry is the feature's GeoJSON geometry as validated.
  `CREATE TABLE area_boundaries (
     area TEXT PRIMARY KEY,
     geometry TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );`,
  // Scheduled reports (issue 19 point 3): admins' definitions, and each report made — one per definition and period
  // (the UNIQUE index is what makes the scheduler's work idempotent across restarts) — with its figures, its rendered
  // HTML and CSV, and the state of its email deliveries (pending ones are retried by the next check).
  `CREATE TABLE report_definitions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     area TEXT NOT NULL,
     domain TEXT,
     period TEXT NOT NULL,
     language TEXT NOT NULL,
     contact_points TEXT NOT NULL,
     enabled INTEGER NOT NULL,
     first_period_start INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );
   CREATE TABLE report_runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     definition_id INTEGER NOT NULL,
     name TEXT NOT NULL,
     area TEXT NOT NULL,
     domain TEXT,
     language TEXT NOT NULL,
     period TEXT NOT NULL,
     period_start INTEGER NOT NULL,
     period_end INTEGER NOT NULL,
     label TEXT NOT NULL,
     trigger TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     figures TEXT NOT NULL,
     html TEXT NOT NULL,
     csv TEXT NOT NULL,
     deliveries TEXT NOT NULL
   );
   CREATE UNIQUE INDEX report_runs_period ON report_runs (definition_id, period_start);
   CREATE INDEX report_runs_created ON report_runs (created_at, id);`,
  // Downsampling (issue 19 point 1): how far each aggregate resolution is aggregated (every bucket before until_ms),
  // and the buckets before it that got late readings and wait to be aggregated again. version grows with each new
  // late reading, so a bucket marked again while it is being re-aggregated is not cleared by that run.
  `CREATE TABLE downsample_watermarks (
     resolution TEXT PRIMARY KEY,
     until_ms INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE downsample_dirty (
     resolution TEXT NOT NULL,
     bucket_ms INTEGER NOT NULL,
     version INTEGER NOT NULL,
     PRIMARY KEY (resolution, bucket_ms)
   ) WITHOUT ROWID;`,
  // The cluster (issue 21 point 3): batches InfluxDB has not confirmed, made durable in the shared database before
  // their PUBACKs, so that any node replays a dead node's. payload: newline-joined line protocol. A row is claimed by
  // one node until claimed_until (the database's clock, ms) and deleted once InfluxDB confirmed it.
  `CREATE TABLE ingest_spool (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     node_id TEXT NOT NULL,
     spooled_at INTEGER NOT NULL,
     lines INTEGER NOT NULL,
     payload TEXT NOT NULL,
     claimed_by TEXT,
     claimed_until INTEGER
   );
   CREATE INDEX ingest_spool_claim ON ingest_spool (claimed_until, id);`,
  // The cluster (issue 21 point 4): leases that make one node the one doing a job (the alert evaluator and the
  // notification dispatcher). epoch grows with each new holder; the job's writes are fenced by it. expires_at is by
  // the database's clock (ms), so the nodes' clocks do not matter.
  `CREATE TABLE cluster_leases (
     name TEXT PRIMARY KEY,
     holder TEXT NOT NULL,
     epoch INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     renewed_at INTEGER NOT NULL
   );`,
];

/**
 * Opens (creating when missing) the embedded SQLite database and brings its schema up to date.
 * WAL with synchronous=NORMAL: a committed transaction survives a process crash; only an OS crash or power
 * loss can take the last few, which for dead letters and device state is an acceptable trade for speed.
 * `schemaVersion` stops the migrations early: for tests of what a later migration does to existing rows.
 */
export function openSqliteDatabase(file: string, schemaVersion = MIGRATIONS.length): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let index = version; index < schemaVersion; index++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[index]);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
  return db;
}
