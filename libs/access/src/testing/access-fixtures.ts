import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubLogger } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import { type AuditEntry, AuditLogRepository, type AuditQuery, openSqliteDatabase, type SqliteDatabase, Store } from '@hub/store';
import { Principal } from '../access-scope';
import { ApiKeyRepository } from '../api-keys/api-key.repository';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { InitialAdminPasswordFile } from '../operators/initial-admin-password.file';
import { OperatorDirectory } from '../operators/operator-lookup';
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
 * The access lib wired as the service wires it, on a store (by default a fresh in-memory SQLite one; a contract spec
 * hands in a PostgreSQL one), with a settable clock and cheap scrypt parameters (the format and the checks do not
 * depend on the cost).
 */
export class AccessFixture {
  now = T0;
  readonly clock = (): number => this.now;
  /** The SQLite store's own, closed with it; null when the store was handed in. */
  private readonly owned: SqliteDatabase | null;
  readonly store: Store;
  readonly audit = new AuditLogRepository(null);
  readonly operatorRepository: OperatorRepository;
  readonly sessionRepository: SessionRepository;
  readonly sessions: OperatorSessions;
  readonly hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 }, 1, 'scrypt$ln=10,r=8,p=1$l2XnTaG3xDeIK7S1yxbYjA==$V2YuSNvT0vsmmVwEKExppjJYTnSTuEI8hooecw3cVBw=');
  readonly throttle = new LoginThrottle();
  readonly stats = new LoginStats();
  readonly logger = new SilentLogger();
  readonly dataDir = mkdtempSync(join(tmpdir(), 'access-spec-'));
  readonly passwordFile = new InitialAdminPasswordFile(this.dataDir);
  readonly operators: OperatorsService;
  readonly logins: LoginService;
  readonly keys: ApiKeysService;
  readonly resolver: PrincipalResolver;
  /** What synchronous readers of operators see (loaded empty: call load() for a store with operators). */
  readonly directory = new OperatorDirectory();

  constructor(store?: Store) {
    this.owned = store === undefined ? openSqliteDatabase(':memory:') : null;
    this.store = store ?? Store.sqlite(this.owned as SqliteDatabase);
    this.operatorRepository = new OperatorRepository(this.store);
    this.sessionRepository = new SessionRepository(this.store);
    this.sessions = new OperatorSessions(this.sessionRepository, { idleMs: 30 * MINUTE, maxAgeMs: 8 * 60 * MINUTE }, this.clock);
    this.operators = new OperatorsService(this.store, this.operatorRepository, this.sessions, this.hasher, this.audit, MetricCatalogue.BUILT_IN, this.throttle, this.passwordFile, this.logger, this.clock, this.directory);
    this.logins = new LoginService(this.store, this.operatorRepository, this.sessions, this.hasher, this.throttle, this.audit, this.stats, this.logger, this.clock);
    this.keys = new ApiKeysService(this.store, new ApiKeyRepository(this.store), this.audit, MetricCatalogue.BUILT_IN, this.logger, this.clock);
    this.resolver = new PrincipalResolver((presented) => presented === 'the-bootstrap-key-from-the-environment', this.keys, this.sessions);
  }

  /** Closes the store it opened and removes the data directory (call in afterEach). */
  async close(): Promise<void> {
    if (this.owned !== null) {
      await this.store.close();
      this.owned.close();
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Audit entries oldest first as `actor action target`. */
  async auditTrail(): Promise<string[]> {
    return (await this.audit.list({ limit: 1000 }, this.store.db)).reverse().map((entry) => `${entry.actor} ${entry.action} ${entry.targetId ?? '-'}`);
  }

  /** Audit entries newest first, as AuditLogRepository.list answers. */
  auditList(query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.list(query, this.store.db);
  }
}

/**
 * The message a refused statement fails with ('resolved' if it was not refused). Not `rejects.toThrow()`: the SQLite
 * driver builds its errors with the constructor of the first test file that loaded it in a jest worker, so in later
 * files they are not `instanceof Error` and jest reports a rejection as "did not throw".
 */
export async function refusalOf(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'resolved',
    (error: unknown) => String((error as { message?: unknown }).message ?? error),
  );
}
