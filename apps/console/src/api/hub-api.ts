import { ApiError, getJson, query, requestJson, sendJson } from './http';
import { isFleetDevice } from '../fleet/device-status';
import type {
  ApiKeyView,
  AreaImportReport,
  AreaOverviewView,
  AreaRollupView,
  RollupAggregate,
  AreaView,
  AuditPage,
  CommandView,
  ContactPointChangeBody,
  ContactPointDelivery,
  ContactPointView,
  DeliveryResult,
  CreatedApiKey,
  DeviceConfigView,
  DeviceProfileView,
  ProfileTryResult,
  NewCommandBody,
  MeView,
  OperatorPreferences,
  PersonalNotificationsView,
  StandardsProfileDiff,
  StandardsProfileView,
  NetworkServerChangeBody,
  NetworkServerView,
  NewContactPointBody,
  NewNetworkServerBody,
  NotificationPolicyTree,
  OperatorView,
  AlertDeliveryView,
  AreaBoundariesView,
  MapSettingsView,
  AlertEventView,
  AlertPage,
  AlertRuleDocument,
  AlertView,
  Catalogue,
  CatalogueDomain,
  CatalogueMetric,
  DeadLetterPage,
  DeviceReadings,
  FleetDevice,
  DeviceView,
  HubHealth,
  IngestStatsSnapshot,
  RejectReason,
  ReportDefinitionView,
  ReportRunPage,
  ReportRunView,
  SilenceView,
} from '@hub/api-types';

/** The read API of the hub, one function per endpoint. */
export const hubApi = {
  catalogue: (signal?: AbortSignal) => getJson<Catalogue>('/api/catalogue', signal),
  standardsProfile: (signal?: AbortSignal) => getJson<StandardsProfileView>('/api/standards-profile', signal),
  previewStandardsProfile: (profile: string) => sendJson<StandardsProfileDiff>('POST', '/api/standards-profile/preview', { profile }),
  applyStandardsProfile: (profile: string) => sendJson<StandardsProfileDiff>('PUT', '/api/standards-profile', { profile }),
  addCatalogueDomain: (domain: { domain: string; description: string }) => sendJson<CatalogueDomain>('POST', '/api/catalogue/domains', domain),
  addCatalogueMetric: (domain: string, metric: unknown) => sendJson<CatalogueMetric>('POST', `/api/catalogue/domains/${encodeURIComponent(domain)}/metrics`, metric),
  changeCatalogueMetric: (domain: string, metric: string, change: unknown) =>
    sendJson<CatalogueMetric>('PATCH', `/api/catalogue/domains/${encodeURIComponent(domain)}/metrics/${encodeURIComponent(metric)}`, change),
  devices: async (signal?: AbortSignal) => (await getJson<DeviceView[]>('/api/devices', signal)).filter(isFleetDevice),
  /** The fleet's devices of one town. */
  devicesOfTown: async (town: string, signal?: AbortSignal) => (await getJson<DeviceView[]>(`/api/devices${query({ town })}`, signal)).filter(isFleetDevice),
  /** Every town (and village) the operator may see, counted by the hub in one answer. */
  overview: (signal?: AbortSignal) => getJson<AreaOverviewView>('/api/overview', signal),
  /** A metric across a town's (or village's) devices per bucket, and per village: GET /api/areas/{path}/rollup. */
  areaRollup: (area: string, request: { domain: string; metric: string; agg: RollupAggregate; from: number; to: number; every: string }, signal?: AbortSignal) =>
    getJson<AreaRollupView>(`/api/areas/${encodeURIComponent(area)}/rollup${query(request)}`, signal),
  /** A device waiting in quarantine may not know its domain yet: shown as "unknown". */
  device: async (id: string, signal?: AbortSignal): Promise<FleetDevice> => {
    const view = await getJson<DeviceView>(`/api/devices/${encodeURIComponent(id)}`, signal);
    return { ...view, domain: view.domain ?? 'unknown' };
  },
  readings: (id: string, range: { from: number; to: number }, signal?: AbortSignal) =>
    getJson<DeviceReadings>(`/api/devices/${encodeURIComponent(id)}/readings${query({ from: range.from, to: range.to })}`, signal),
  commands: (id: string, signal?: AbortSignal) => getJson<CommandView[]>(`/api/devices/${encodeURIComponent(id)}/commands`, signal),
  sendCommand: (id: string, command: NewCommandBody) => sendJson<CommandView>('POST', `/api/devices/${encodeURIComponent(id)}/commands`, command),
  /** Registry fields of one device (profileId, devEui, town, …); null clears one. */
  updateDevice: (id: string, change: unknown) => sendJson<DeviceView>('PATCH', `/api/devices/${encodeURIComponent(id)}`, change),
  deviceConfig: (id: string, signal?: AbortSignal) => getJson<DeviceConfigView>(`/api/devices/${encodeURIComponent(id)}/config`, signal),
  setDeviceConfig: (id: string, desired: unknown) => sendJson<DeviceConfigView>('PUT', `/api/devices/${encodeURIComponent(id)}/config`, desired),
  areas: (signal?: AbortSignal) => getJson<AreaView[]>('/api/areas', signal),
  /** A town without parent, a village of the town named by parent. */
  createArea: (area: { name: string; parent?: string }) => sendJson<AreaView>('POST', '/api/areas', area),
  renameArea: (path: string, name: string) => sendJson<AreaView>('PATCH', `/api/areas/${encodeURIComponent(path)}`, { name }),
  deleteArea: (path: string) => sendJson<void>('DELETE', `/api/areas/${encodeURIComponent(path)}`),
  /** The CSV text as it is (columns town, village); good lines are created, each refused one reported. */
  importAreas: (csv: string) => requestJson<AreaImportReport>('/api/areas/import', { method: 'POST', body: csv, headers: { 'Content-Type': 'text/csv' } }),
  mapSettings: (signal?: AbortSignal) => getJson<MapSettingsView>('/api/map-settings', signal),
  areaBoundaries: (signal?: AbortSignal) => getJson<AreaBoundariesView>('/api/area-boundaries', signal),
  /** The file's text as it is (the hub checks it whole); a 400 lists every problem at its place (features[3].geometry…). */
  replaceAreaBoundaries: (file: string) => requestJson<AreaBoundariesView>('/api/area-boundaries', { method: 'PUT', body: file }),
  deadLetters: (filter: DeadLetterQuery, signal?: AbortSignal) =>
    getJson<DeadLetterPage>(
      `/api/dead-letters${query({ reason: filter.reason, device: filter.device, from: filter.from, to: filter.to, limit: filter.limit, before: filter.before })}`,
      signal,
    ),
  /** 503 with the same body when something is down, so the body is read either way. */
  health: async (signal?: AbortSignal): Promise<HubHealth> => {
    let response: Response;
    try {
      response = await fetch('/api/health', { signal: signal ?? AbortSignal.timeout(15_000), headers: { Accept: 'application/json' } });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw ApiError.unreachable();
    }
    if (response.status !== 200 && response.status !== 503) throw new ApiError(response.status, `Health check answered ${response.status}`);
    return (await response.json()) as HubHealth;
  },
  ingestStats: (signal?: AbortSignal) => getJson<IngestStatsSnapshot>('/api/ingest/stats', signal),

  alerts: (filter: AlertQuery, signal?: AbortSignal) =>
    getJson<AlertPage>(
      `/api/alerts${query({ state: filter.state, severity: filter.severity, domain: filter.domain, town: filter.town, device: filter.device, rule: filter.rule, limit: filter.limit ?? 500 })}`,
      signal,
    ),
  alert: (id: number, signal?: AbortSignal) => getJson<AlertView>(`/api/alerts/${id}`, signal),
  alertHistory: (id: number, signal?: AbortSignal) => getJson<AlertEventView[]>(`/api/alerts/${id}/history`, signal),
  alertNotifications: (id: number, signal?: AbortSignal) => getJson<AlertDeliveryView[]>(`/api/alerts/${id}/notifications`, signal),
  // The hub records the logged-in operator as the actor.
  acknowledge: (id: number, note: string) => sendJson<AlertView>('POST', `/api/alerts/${id}/acknowledge`, note ? { note } : {}),
  resolve: (id: number, note: string) => sendJson<AlertView>('POST', `/api/alerts/${id}/resolve`, note ? { note } : {}),
  comment: (id: number, text: string) => sendJson<AlertEventView>('POST', `/api/alerts/${id}/comments`, { text }),

  rules: (signal?: AbortSignal) => getJson<AlertRuleDocument[]>('/api/alert-rules', signal),
  rule: (id: string, signal?: AbortSignal) => getJson<AlertRuleDocument>(`/api/alert-rules/${encodeURIComponent(id)}`, signal),
  createRule: (rule: unknown) => sendJson<AlertRuleDocument>('POST', '/api/alert-rules', rule),
  replaceRule: (id: string, rule: unknown) => sendJson<AlertRuleDocument>('PUT', `/api/alert-rules/${encodeURIComponent(id)}`, rule),
  patchRule: (id: string, change: unknown) => sendJson<AlertRuleDocument>('PATCH', `/api/alert-rules/${encodeURIComponent(id)}`, change),
  deleteRule: (id: string) => sendJson<void>('DELETE', `/api/alert-rules/${encodeURIComponent(id)}`),

  silences: (includeExpired: boolean, signal?: AbortSignal) => getJson<SilenceView[]>(`/api/alert-silences${query({ expired: includeExpired ? 'true' : undefined, limit: 500 })}`, signal),
  createSilence: (silence: unknown) => sendJson<SilenceView>('POST', '/api/alert-silences', silence),
  updateSilence: (id: number, change: unknown) => sendJson<SilenceView>('PATCH', `/api/alert-silences/${id}`, change),
  deleteSilence: (id: number) => sendJson<void>('DELETE', `/api/alert-silences/${id}`),

  /** Who is logged in; a 401 here only means "nobody yet", not a session that just ended. */
  me: () => requestJson<MeView>('/api/auth/me', { quietUnauthorized: true }),
  login: (username: string, password: string) => requestJson<MeView>('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password }), quietUnauthorized: true }),
  logout: () => requestJson<void>('/api/auth/logout', { method: 'POST', quietUnauthorized: true }),
  changePassword: (currentPassword: string, newPassword: string) => sendJson<void>('POST', '/api/auth/password', { currentPassword, newPassword }),
  savePreferences: (preferences: OperatorPreferences) => sendJson<OperatorPreferences>('PUT', '/api/me/preferences', preferences),
  myNotifications: (signal?: AbortSignal) => getJson<PersonalNotificationsView>('/api/me/notifications', signal),
  saveMyNotifications: (settings: unknown) => sendJson<PersonalNotificationsView>('PUT', '/api/me/notifications', settings),

  deviceProfiles: (signal?: AbortSignal) => getJson<DeviceProfileView[]>('/api/device-profiles', signal),
  deviceProfile: (id: string, signal?: AbortSignal) => getJson<DeviceProfileView>(`/api/device-profiles/${encodeURIComponent(id)}`, signal),
  createDeviceProfile: (profile: unknown) => sendJson<DeviceProfileView>('POST', '/api/device-profiles', profile),
  updateDeviceProfile: (id: string, change: unknown) => sendJson<DeviceProfileView>('PATCH', `/api/device-profiles/${encodeURIComponent(id)}`, change),
  deleteDeviceProfile: (id: string) => sendJson<void>('DELETE', `/api/device-profiles/${encodeURIComponent(id)}`),
  /** An unsaved draft: { domain, decoder, payload, encoding, fPort }. */
  tryDeviceProfile: (draft: unknown) => sendJson<ProfileTryResult>('POST', '/api/device-profiles/try', draft),
  /** A saved profile as it is stored: { payload, encoding, fPort }. */
  testDeviceProfile: (id: string, sample: unknown) => sendJson<ProfileTryResult>('POST', `/api/device-profiles/${encodeURIComponent(id)}/test`, sample),

  /** County-wide admins only; the password is write-only (views say passwordSet). */
  networkServers: (signal?: AbortSignal) => getJson<NetworkServerView[]>('/api/network-servers', signal),
  createNetworkServer: (server: NewNetworkServerBody) => sendJson<NetworkServerView>('POST', '/api/network-servers', server),
  updateNetworkServer: (name: string, change: NetworkServerChangeBody) => sendJson<NetworkServerView>('PATCH', `/api/network-servers/${encodeURIComponent(name)}`, change),
  deleteNetworkServer: (name: string) => sendJson<void>('DELETE', `/api/network-servers/${encodeURIComponent(name)}`),

  /** County-wide admins only; secrets are write-only (views say which are set). */
  contactPoints: (signal?: AbortSignal) => getJson<ContactPointView[]>('/api/contact-points', signal),
  reportRuns: (signal?: AbortSignal) => getJson<ReportRunPage>('/api/reports/runs?limit=200', signal),
  reportDefinitions: (signal?: AbortSignal) => getJson<ReportDefinitionView[]>('/api/reports', signal),
  createReport: (definition: Omit<ReportDefinitionView, 'id' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>) => sendJson<ReportDefinitionView>('POST', '/api/reports', definition),
  changeReport: (id: number, change: Partial<Pick<ReportDefinitionView, 'enabled'>>) => sendJson<ReportDefinitionView>('PATCH', `/api/reports/${id}`, change),
  deleteReport: (id: number) => sendJson<void>('DELETE', `/api/reports/${id}`),
  runReport: (id: number) => sendJson<ReportRunView>('POST', `/api/reports/${id}/runs`, {}),
  createContactPoint: (point: NewContactPointBody) => sendJson<ContactPointView>('POST', '/api/contact-points', point),
  updateContactPoint: (name: string, change: ContactPointChangeBody) => sendJson<ContactPointView>('PATCH', `/api/contact-points/${encodeURIComponent(name)}`, change),
  deleteContactPoint: (name: string) => sendJson<void>('DELETE', `/api/contact-points/${encodeURIComponent(name)}`),
  /** Sends a sample gas critical marked [TEST]; answered 200 also when the provider refused (ok false). */
  testContactPoint: (name: string) => sendJson<DeliveryResult>('POST', `/api/contact-points/${encodeURIComponent(name)}/test`),
  contactPointDeliveries: (name: string, limit: number, signal?: AbortSignal) =>
    getJson<ContactPointDelivery[]>(`/api/contact-points/${encodeURIComponent(name)}/deliveries${query({ limit })}`, signal),
  notificationPolicies: (signal?: AbortSignal) => getJson<NotificationPolicyTree>('/api/notification-policies', signal),
  /** Replaces the whole tree; a 400 lists every problem at its path (routes[0].escalation[1].afterMs). */
  replaceNotificationPolicies: (tree: NotificationPolicyTree) => sendJson<NotificationPolicyTree>('PUT', '/api/notification-policies', tree),

  operators: (signal?: AbortSignal) => getJson<OperatorView[]>('/api/operators', signal),
  createOperator: (operator: unknown) => sendJson<OperatorView>('POST', '/api/operators', operator),
  updateOperator: (username: string, change: unknown) => sendJson<OperatorView>('PATCH', `/api/operators/${encodeURIComponent(username)}`, change),
  apiKeys: (signal?: AbortSignal) => getJson<ApiKeyView[]>('/api/api-keys', signal),
  createApiKey: (key: unknown) => sendJson<CreatedApiKey>('POST', '/api/api-keys', key),
  revokeApiKey: (id: number) => sendJson<void>('DELETE', `/api/api-keys/${id}`),
  audit: (filter: AuditQuery, signal?: AbortSignal) =>
    getJson<AuditPage>(`/api/audit${query({ actor: filter.actor, action: filter.action, targetType: filter.targetType, targetId: filter.targetId, before: filter.before, limit: filter.limit ?? 100 })}`, signal),
};

export interface AuditQuery {
  readonly actor?: string;
  readonly action?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly before?: number;
  readonly limit?: number;
}

export interface AlertQuery {
  /** open = firing or acknowledged. */
  readonly state?: 'open' | 'firing' | 'acknowledged' | 'resolved';
  readonly severity?: string;
  readonly domain?: string;
  readonly town?: string;
  readonly device?: string;
  readonly rule?: string;
  readonly limit?: number;
}

export interface DeadLetterQuery {
  readonly reason?: RejectReason;
  readonly device?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  readonly before?: number;
}
