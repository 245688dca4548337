import { Controller, MessageEvent, Req, Sse } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { type Principal, PrincipalResolver } from '@hub/access';
import { CurrentPrincipal } from '../access/access.decorators';
import { LiveEventsService } from './live-events.service';

@ApiTags('live')
@Controller('api/events')
export class LiveEventsController {
  constructor(
    private readonly live: LiveEventsService,
    private readonly resolver: PrincipalResolver,
  ) {}

  @Sse()
  @ApiOperation({
    summary:
      'Server-sent events for the console: hello on connect, then device (appeared, offline, online) and alert (every history entry, with the alert as it is now), only for devices and alerts inside the caller’s scope',
    description:
      'An EventSource reconnects by itself; reload lists on every hello, as changes made while disconnected are not replayed. The stream ends within seconds once the session ends, the operator is disabled or the key revoked.',
  })
  @ApiProduces('text/event-stream')
  events(@Req() request: Request, @CurrentPrincipal() principal: Principal): Observable<MessageEvent> {
    const credentials = { authorization: request.headers.authorization, cookie: request.headers.cookie };
    return this.live.stream(principal, async () => (await this.resolver.resolve(credentials, { touch: false }))?.principal ?? null);
  }
}
