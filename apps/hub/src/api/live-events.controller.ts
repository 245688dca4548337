import { Controller, MessageEvent, Sse } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { LiveEventsService } from '../live/live-events.service';

@ApiTags('live')
@Controller('api/events')
export class LiveEventsController {
  constructor(private readonly live: LiveEventsService) {}

  @Sse()
  @ApiOperation({
    summary: 'Server-sent events for the console: hello on connect, then device (appeared, offline, online) and alert (every history entry, with the alert as it is now)',
    description: 'An EventSource reconnects by itself; reload lists on every hello, as changes made while disconnected are not replayed.',
  })
  @ApiProduces('text/event-stream')
  events(): Observable<MessageEvent> {
    return this.live.stream();
  }
}
