import type { Provider } from '@nestjs/common';
import { LiveEventsController } from './live-events.controller';
import { LiveEventsService } from './live-events.service';

export const LIVE_CONTROLLERS = [LiveEventsController];

/** /api/events: device changes and alert changes as server-sent events. */
export function liveProviders(): Provider[] {
  return [LiveEventsService];
}
