/** Injection tokens for values that are not classes. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const SQLITE_DATABASE = Symbol('SQLITE_DATABASE');
/** The data folder's lock (@hub/store DataFolderLock), taken before the database is opened. */
export const DATA_FOLDER_LOCK = Symbol('DATA_FOLDER_LOCK');
export const LINE_SINK = Symbol('LINE_SINK');
export const MQTT_ACCESS_POLICY = Symbol('MQTT_ACCESS_POLICY');
/** `(deviceId) => area path | null` from the device registry (libs/access DeviceAreaLookup), for town-scoped views. */
export const DEVICE_AREA_LOOKUP = Symbol('DEVICE_AREA_LOOKUP');
/** Where the LoRaWAN bridges deliver network servers' events (@hub/lorawan UplinkSink): the ingest side of issue 15. */
export const UPLINK_SINK = Symbol('UPLINK_SINK');
/** The bus between the hub's nodes (@hub/cluster ClusterBus): Redis pub/sub in a cluster, in-process on one node. */
export const CLUSTER_BUS = Symbol('CLUSTER_BUS');
/** The shared spool in PostgreSQL (@hub/pipeline SharedSpoolRepository); null on SQLite, which has the local spool only. */
export const SHARED_SPOOL = Symbol('SHARED_SPOOL');
/** This node's side of replaying the shared spool (@hub/pipeline SharedReplaySource); null on SQLite. */
export const SHARED_SPOOL_REPLAY = Symbol('SHARED_SPOOL_REPLAY');
