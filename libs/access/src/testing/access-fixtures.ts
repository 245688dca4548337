import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubLogger } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import { AuditLogRepository, openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { Principal } from '../access-scope';
import { ApiKeyRepository } from '../api-keys/api-key.repository';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { InitialAdminPasswordFile } from '../operators/initial-admin-password.file';
import { OperatorRepository } from '../operators/operator.repository';
import { OperatorsService } from '../operators/operators.service';
import { PasswordHasher } from '../passwords/password-hasher';
import { PrincipalResolver } from '../principal-resolver';
import { LoginThrottle } from '../sessions/login-throttle';
import { LoginService, LoginStats } from '../sessions/login.service';
import { OperatorSessions } from '../sessions/operator-sessions';
import { SessionRepository } from '../sessions/session.repository';

export const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);
export const MINUTE = 60_000;
export const ADMIN: Principal = { kind: 'operator', name: 'admin', role: 'admin', scope: { towns: [], domains: [] } };

class SilentLogger implements HubLogger {
  readonly warnings: unknown[] = [];
  log(): void {}
  warn(message: unknown): void {
    this.warnings.push(message);
  }
  error(): void {}
}

/**
 * The access lib wired as the service wires it, on an in-memory SQLite database, with a settable clock and cheap
 * scrypt parameters (the format and the checks do not depend on the cost).
 */
export class AccessFixture {
  now = T0;
  readonly db: SqliteDatabase = openSqliteDatabase(':memory:');
  readonly clock = (): number => this.now;
  readonly audit = new AuditLogRepository(this.db);
  readonly operatorRepository = new OperatorRepository(this.db);
  readonly sessions = new OperatorSessions(new SessionRepository(this.db), { idleMs: 30 * MINUTE, maxAgeMs: 8 * 60 * MINUTE }, this.clock);
  readonly hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 }, 1, 'scrypt$ln=10,r=8,p=1$l2XnTaG3xDeIK7S1yxbYjA==$V2YuSNvT0vsmmVwEKExppjJYTnSTuEI8hooecw3cVBw=');
  readonly throttle = new LoginThrottle();
  readonly stats = new LoginStats();
  readonly logger = new SilentLogger();
  readonly dataDir = mkdtempSync(join(tmpdir(), 'access-spec-'));
  readonly passwordFile = new InitialAdminPasswordFile(this.dataDir);
  readonly operators = new OperatorsService(this.operatorRepository, this.sessions, this.hasher, this.audit, MetricCatalogue.BUILT_IN, this.throttle, this.passwordFile, this.logger, this.clock);
  readonly logins = new LoginService(this.operatorRepository, this.sessions, this.hasher, this.throttle, this.audit, this.stats, this.logger, this.clock);
  readonly keys = new ApiKeysService(new ApiKeyRepository(this.db), this.audit, MetricCatalogue.BUILT_IN, this.logger, this.clock);
  readonly resolver = new PrincipalResolver((presented) => presented === 'the-bootstrap-key-from-the-environment', this.keys, this.sessions);

  /** Closes the database and removes the data directory (call in afterEach). */
  close(): void {
    this.db.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Audit entries oldest first as `actor action target`. */
  auditTrail(): string[] {
    return this.audit
      .list({ limit: 1000 })
      .reverse()
      .map((entry) => `${entry.actor} ${entry.action} ${entry.targetId ?? '-'}`);
  }
}
