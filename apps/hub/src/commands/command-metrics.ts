import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { COMMAND_STATUSES } from '@hub/api-types';
import { DeviceCommandsService, DeviceConfigService } from '@hub/commands';

/** Commands and configuration changes since start, read from the services' counts at scrape time. */
@Injectable()
export class CommandMetrics {
  constructor(registry: Registry, commands: DeviceCommandsService, config: DeviceConfigService) {
    new Counter({
      name: 'hub_commands_total',
      help: 'Commands that reached each status: queued (sent by an operator), sent (published), delivered (PUBACK from the device or its gateway), succeeded, failed (its reply), expired',
      labelNames: ['status'],
      registers: [registry],
      collect() {
        this.reset();
        for (const status of COMMAND_STATUSES) this.inc({ status }, commands.statusCounts.get(status) ?? 0);
      },
    });
    new Counter({
      name: 'hub_device_config_changes_total',
      help: 'Configuration changes: desired (set by an operator), reported (a device or its gateway reported a configuration other than its last one)',
      labelNames: ['change'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ change: 'desired' }, config.changeCounts.desired);
        this.inc({ change: 'reported' }, config.changeCounts.reported);
      },
    });
  }
}
