import { Logger, Provider } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { ApiKeyRepository } from '../../../../libs/access/src/api-keys/api-key.repository';
import { ApiKeysService } from '../../../../libs/access/src/api-keys/api-keys.service';
import { InitialAdminPasswordFile } from '../../../../libs/access/src/operators/initial-admin-password.file';
import { OperatorRepository } from '../../../../libs/access/src/operators/operator.repository';
import { OperatorsService } from '../../../../libs/access/src/operators/operators.service';
import { PasswordHasher } from '../../../../libs/access/src/passwords/password-hasher';
import { PrincipalResolver } from '../../../../libs/access/src/principal-resolver';
import { LoginThrottle } from '../../../../libs/access/src/sessions/login-throttle';
import { LoginService, LoginStats } from '../../../../libs/access/src/sessions/login.service';
import { OperatorSessions } from '../../../../libs/access/src/sessions/operator-sessions';
import { SessionRepository } from '../../../../libs/access/src/sessions/session.repository';
import type { HubConfig } from '../../../../libs/config/src';
import { AuditLogRepository } from '../../../../libs/store/src/audit-log.repository';
import type { SqliteDatabase } from '../../../../libs/store/src';
import { SQLITE_DATABASE } from '../hub.tokens';
import { AccessLifecycle } from './access.lifecycle';
import { ApiKeysController } from './api-keys.controller';
import { AuditController } from './audit.controller';
import { AuthController } from './auth.controller';
import { OperatorsController } from './operators.controller';
import { SecretMatcher } from './secret-matcher';

export const ACCESS_CONTROLLERS = [AuthController, OperatorsController, ApiKeysController, AuditController];

/** Operators, their sessions, API keys and the audit log: plain classes from libs/access on the service's database. */
export function accessProviders(config: HubConfig): Provider[] {
  const db = [SQLITE_DATABASE];
  return [
    { provide: AuditLogRepository, useFactory: (sqlite: SqliteDatabase) => new AuditLogRepository(sqlite), inject: db },
    { provide: OperatorRepository, useFactory: (sqlite: SqliteDatabase) => new OperatorRepository(sqlite), inject: db },
    { provide: ApiKeyRepository, useFactory: (sqlite: SqliteDatabase) => new ApiKeyRepository(sqlite), inject: db },
    {
      provide: OperatorSessions,
      useFactory: (sqlite: SqliteDatabase) => new OperatorSessions(new SessionRepository(sqlite), { idleMs: config.operators.sessionIdleMs, maxAgeMs: config.operators.sessionMaxAgeMs }),
      inject: db,
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
      useFactory: (operators: OperatorRepository, sessions: OperatorSessions, hasher: PasswordHasher, throttle: LoginThrottle, audit: AuditLogRepository, stats: LoginStats) =>
        new LoginService(operators, sessions, hasher, throttle, audit, stats, new Logger(LoginService.name)),
      inject: [OperatorRepository, OperatorSessions, PasswordHasher, LoginThrottle, AuditLogRepository, LoginStats],
    },
    {
      provide: OperatorsService,
      useFactory: (operators: OperatorRepository, sessions: OperatorSessions, hasher: PasswordHasher, audit: AuditLogRepository, throttle: LoginThrottle) =>
        new OperatorsService(operators, sessions, hasher, audit, throttle, new InitialAdminPasswordFile(config.dataDir), new Logger(OperatorsService.name)),
      inject: [OperatorRepository, OperatorSessions, PasswordHasher, AuditLogRepository, LoginThrottle],
    },
    {
      provide: ApiKeysService,
      useFactory: (keys: ApiKeyRepository, audit: AuditLogRepository) => new ApiKeysService(keys, audit, new Logger(ApiKeysService.name)),
      inject: [ApiKeyRepository, AuditLogRepository],
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
