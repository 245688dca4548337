import { Injectable } from '@nestjs/common';
import type { AccessScope } from '@hub/access';
import { type Alert, AlertEngine } from '@hub/alerts';
import type { AreaOverviewView } from '@hub/api-types';
import { LiveCatalogue } from '@hub/catalogue';
import { AreasService, DeviceQueryService } from '@hub/devices';
import { type OverviewDevice, summariseAreas } from './area-overview';

/**
 * The command room's overview for one caller: the devices and open alerts their scope covers, counted per town and
 * village by summariseAreas, with every registered town and village in scope. Everything it reads is in the hub's memory or SQLite (registry, presence, alerts), so the
 * page can reload on every live event without touching InfluxDB.
 */
@Injectable()
export class OverviewService {
  constructor(
    private readonly devices: DeviceQueryService,
    private readonly alerts: AlertEngine,
    private readonly catalogue: LiveCatalogue,
    private readonly areas: AreasService,
  ) {}

  async overview(scope: AccessScope, now = Date.now()): Promise<AreaOverviewView> {
    // The fleet's devices (as the console's fleet page lists them): active or only heard from; not quarantined or rejected.
    const devices = this.devices
      .list(scope)
      .filter((device): device is typeof device & OverviewDevice => device.domain !== null && (device.status === null || device.status === 'active'));
    const domains = this.catalogue
      .current()
      .domains()
      .filter((domain) => scope.domains.length === 0 || (scope.domains as readonly string[]).includes(domain));
    // The registry's towns and villages the caller may see: one with no device yet shows as a grey tile or row.
    const areas = this.areas.list(scope).map((area) => area.path);
    return summariseAreas({ devices, openAlerts: await this.openAlerts(scope), domains, areas, now });
  }

  /** Every open alert in scope: the count first, so a county with many open alerts is not cut at a page size. */
  private async openAlerts(scope: AccessScope): Promise<Alert[]> {
    const filter = { states: ['firing', 'acknowledged'], within: scope } as const;
    const first = await this.alerts.workflow.list({ ...filter, limit: 1 });
    return first.matching <= first.items.length ? first.items : (await this.alerts.workflow.list({ ...filter, limit: first.matching })).items;
  }
}
