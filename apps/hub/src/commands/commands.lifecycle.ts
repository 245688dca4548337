import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DeviceCommandsService } from '@hub/commands';

/** Expires commands whose expiry passed, once a second (the expiry is a deadline to the second, not a timer per command). */
@Injectable()
export class CommandsLifecycle {
  private readonly logger = new Logger(CommandsLifecycle.name);

  constructor(private readonly commands: DeviceCommandsService) {}

  @Interval('expire-device-commands', 1000)
  async expire(): Promise<void> {
    try {
      await this.commands.expireDue();
    } catch (error) {
      // Still open: the next second's run expires them.
      this.logger.error({ msg: 'Could not expire due commands', error });
    }
  }
}
