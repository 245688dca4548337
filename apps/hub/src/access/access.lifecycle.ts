import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { OperatorsService, OperatorSessions } from '@hub/access';
import type { HubConfig } from '@hub/config';
import { HUB_CONFIG } from '../hub.tokens';

/**
 * The first start makes the `admin` operator (and says where its password is: never the password itself); ended
 * sessions are swept from the database every ten minutes (they are refused anyway; this keeps the table small).
 */
@Injectable()
export class AccessLifecycle implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccessLifecycle.name);

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly operators: OperatorsService,
    private readonly sessions: OperatorSessions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const created = await this.operators.ensureInitialAdmin(this.config.operators.initialAdminPassword);
    if (created !== null) {
      // Warn level: shown even at HUB_LOG_LEVEL=warn, because nobody can log in without reading it.
      this.logger.warn({
        msg:
          created.passwordFile === null
            ? `First start: created the operator "${created.username}" with the password from HUB_ADMIN_PASSWORD`
            : `First start: created the operator "${created.username}"; its password is in ${created.passwordFile} (readable by this user only). Log in and change it; the file is deleted then.`,
        username: created.username,
        passwordFile: created.passwordFile ?? undefined,
      });
    }
    await this.sweep();
  }

  @Interval(10 * 60_000)
  async sweep(): Promise<void> {
    try {
      const removed = await this.sessions.prune();
      if (removed > 0) this.logger.debug?.({ msg: 'Ended sessions removed', removed });
    } catch (error) {
      // The next sweep tries again; ended sessions are refused meanwhile, so nothing depends on this one.
      this.logger.error({ msg: 'Removing ended sessions failed', error });
    }
  }
}
