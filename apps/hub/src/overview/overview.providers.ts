import type { Provider } from '@nestjs/common';
import { OverviewController } from './overview.controller';
import { OverviewService } from './overview.service';

export const OVERVIEW_CONTROLLERS = [OverviewController];

/** /api/overview: towns and villages counted from the registry, presence and the open alerts. */
export function overviewProviders(): Provider[] {
  return [OverviewService];
}
