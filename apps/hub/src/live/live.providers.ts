import type { Provider } from '@nestjs/common';
import { LiveEventsController } from './live-events.controller';
import { ClusterPresenceService } from './cluster-presence.service';
import { LiveEventsService } from './live-events.service';

export const LIVE_CONTROLLERS = [LiveEventsController];

/** /api/events: device changes and alert changes as server-sent events; device presence shared between nodes. */
export function liveProviders(): Provider[] {
  return [LiveEventsService, ClusterPresenceService];
}
