import { LiveCatalogue } from '@hub/catalogue';
import { Logger, Provider } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { ApiKeyRepository, ApiKeysService, InitialAdminPasswordFile, OperatorDirectory, OperatorRepository, OperatorsService, PasswordHasher, PrincipalResolver, LoginThrottle, LoginService, LoginStats, OperatorSessions, SessionRepository } from '@hub/access';
import type { HubConfig } from '@hub/config';
import { AuditLogRepository, type SqliteDatabase, Store } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
import { AccessLifecycle } from './access.lifecycle';
import { ApiKeysController } from './api-keys.controller';
import { AuditController } from './audit.controller';
import { AuthController } from './auth.controller';
import { OperatorPreferencesController } from './operator-preferences.controller';
import { OperatorPreferencesRepository } from './operator-preferences.repository';
import { OperatorsController } from './operators.controller';
import { SecretMatcher } from './secret-matcher';

export const ACCESS_CONTROLLERS = [AuthController, OperatorsController, ApiKeysController, AuditController, OperatorPreferencesController];

/** Operators, their sessions, API keys and the audit log: plain classes from libs/access on the service's database. */
export function accessProviders(config: HubConfig): Provider[] {
  const db = [SQLITE_DATABASE];
  return [
    { provide: OperatorPreferencesRepository, useFactory: (store: Store) => new OperatorPreferencesRepository(store), inject: [Store] },
    // Every service records through the store (an Executor); the handle only serves the synchronous forms tests use.
    { provide: AuditLogRepository, useFactory: (sqlite: SqliteDatabase | null) => new AuditLogRepository(sqlite), inject: db },
    { provide: OperatorRepository, useFactory: (store: Store) => new OperatorRepository(store), inject: [Store] },
    { provide: OperatorDirectory, useFactory: (operators: OperatorRepository) => new OperatorDirectory().load(operators), inject: [OperatorRepository] },
    { provide: ApiKeyRepository, useFactory: (store: Store) => new ApiKeyRepository(store), inject: [Store] },
    {
      provide: OperatorSessions,
      useFactory: (store: Store) => new OperatorSessions(new SessionRepository(store), { idleMs: config.operators.sessionIdleMs, maxAgeMs: config.operators.sessionMaxAgeMs }),
      inject: [Store],
    },
    { provide: PasswordHasher, useValue: new PasswordHasher() },
    { provide: LoginThrottle, useValue: new LoginThrottle() },
    {
      provide: LoginStats,
      useFactory: (registry: Registry) => {
        const stats = new LoginStats();
        new Counter({
          name: 'hub_logins_total',
          help: 'Console/API logins by outcome: ok, refused (unknown user, wrong password or disabled: one answer for all), throttled (back-off, answered 429)',
          labelNames: ['outcome'],
          registers: [registry],
          collect() {
            this.reset();
            this.inc({ outcome: 'ok' }, stats.ok);
            this.inc({ outcome: 'refused' }, stats.refused);
            this.inc({ outcome: 'throttled' }, stats.throttled);
          },
        });
        return stats;
      },
      inject: [Registry],
    },
    {
      provide: LoginService,
      useFactory: (store: Store, operators: OperatorRepository, sessions: OperatorSessions, hasher: PasswordHasher, throttle: LoginThrottle, audit: AuditLogRepository, stats: LoginStats) =>
        new LoginService(store, operators, sessions, hasher, throttle, audit, stats, new Logger(LoginService.name)),
      inject: [Store, OperatorRepository, OperatorSessions, PasswordHasher, LoginThrottle, AuditLogRepository, LoginStats],
    },
    {
      provide: OperatorsService,
      useFactory: (store: Store, operators: OperatorRepository, sessions: OperatorSessions, hasher: PasswordHasher, audit: AuditLogRepository, throttle: LoginThrottle, catalogue: LiveCatalogue, directory: OperatorDirectory) =>
        new OperatorsService(store, operators, sessions, hasher, audit, catalogue, throttle, new InitialAdminPasswordFile(config.dataDir), new Logger(OperatorsService.name), Date.now, directory),
      inject: [Store, OperatorRepository, OperatorSessions, PasswordHasher, AuditLogRepository, LoginThrottle, LiveCatalogue, OperatorDirectory],
    },
    {
      provide: ApiKeysService,
      useFactory: (store: Store, keys: ApiKeyRepository, audit: AuditLogRepository, catalogue: LiveCatalogue) => new ApiKeysService(store, keys, audit, catalogue, new Logger(ApiKeysService.name)),
      inject: [Store, ApiKeyRepository, AuditLogRepository, LiveCatalogue],
    },
    {
      provide: PrincipalResolver,
      useFactory: (keys: ApiKeysService, sessions: OperatorSessions) => {
        const bootstrap = config.access.bootstrapApiKey === null ? null : new SecretMatcher(config.access.bootstrapApiKey);
        return new PrincipalResolver(bootstrap === null ? null : (presented) => bootstrap.matches(presented), keys, sessions);
      },
      inject: [ApiKeysService, OperatorSessions],
    },
    AccessLifecycle,
  ];
}
