import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DeviceCommandsService } from '@hub/commands';

/** Expires commands whose expiry passed, once a second (the expiry is a deadline to the second, not a timer per command). */
@Injectable()
export class CommandsLifecycle {
  constructor(private readonly commands: DeviceCommandsService) {}

  @Interval('expire-device-commands', 1000)
  expire(): void {
    this.commands.expireDue();
  }
}
