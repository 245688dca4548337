import { BeforeApplicationShutdown, Injectable, Logger, MessageEvent } from '@nestjs/common';
import { concat, defer, EMPTY, filter, from, interval, map, merge, mergeMap, Observable, of, share, Subject, takeUntil } from 'rxjs';
import { AlertEngine } from '../../../../libs/alerts/src/alert-engine';
import { toAlertEventView, toAlertView } from '../../../../libs/alerts/src/lifecycle/alert.view';
import { DevicePresence } from '../../../../libs/pipeline/src/device-presence';
import { DeviceChangeTracker } from './device-change.tracker';

/** How often presence and the alert history are looked at for changes while anyone listens. */
const POLL_MS = 1000;
/** History entries sent per poll at most; a burst beyond it follows on the next polls. */
const ALERT_EVENTS_PER_POLL = 500;
/** A comment line now and then keeps idle proxies and load balancers from closing the stream. */
const HEARTBEAT_MS = 20_000;
/** Tells EventSource how long to wait before reconnecting after the stream ends (e.g. a restart of the service). */
const RECONNECT_MS = 3000;

/**
 * The console's live feed (server-sent events): `hello` on connect (the client reloads its lists then, which also
 * covers whatever it missed while disconnected); `device` for each device that appears, goes offline or comes back;
 * `alert` for each entry of any alert's history (fired, acknowledged, commented, resolved…) with the alert as it is
 * now, its event id as the SSE id. One poller of each kind is shared by every listener and runs only while someone
 * listens; the alert history is the outbox the notification channels read too, so nothing is missed between polls.
 */
@Injectable()
export class LiveEventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveEventsService.name);
  private readonly closing = new Subject<void>();
  private closed = false;
  private readonly deviceEvents: Observable<MessageEvent>;
  private readonly alertEvents: Observable<MessageEvent>;

  constructor(presence: DevicePresence, engine: AlertEngine) {
    this.deviceEvents = defer(() => {
      const tracker = new DeviceChangeTracker(presence.list());
      return interval(POLL_MS).pipe(map(() => tracker.changes(presence.list())));
    }).pipe(
      filter((changes) => changes.length > 0),
      mergeMap((changes) => from(changes)),
      map((change): MessageEvent => ({ type: 'device', data: change })),
      share(),
    );
    this.alertEvents = defer(() => {
      let cursor = engine.alertRepository.lastEventId();
      return interval(POLL_MS).pipe(
        mergeMap(() => {
          try {
            const events = engine.alertRepository.eventsAfter(cursor, ALERT_EVENTS_PER_POLL);
            const messages = events.map(
              (event): MessageEvent => ({
                type: 'alert',
                id: String(event.id),
                data: { event: toAlertEventView(event), alert: toAlertView(engine.workflow.get(event.alertId)) },
              }),
            );
            if (events.length > 0) cursor = events[events.length - 1].id;
            return from(messages);
          } catch (error) {
            // Costs one poll, not the feed: the cursor has not moved, so the next poll sends these events.
            this.logger.error({ msg: 'Reading the alert history for the live feed failed', error });
            return EMPTY;
          }
        }),
      );
    }).pipe(share());
  }

  stream(): Observable<MessageEvent> {
    const hello = of<MessageEvent>({ type: 'hello', retry: RECONNECT_MS, data: { serverTime: Date.now() } });
    // During shutdown a (re)connecting client gets its hello and an ended stream: nothing may hold the HTTP server open.
    if (this.closed) return hello;
    const heartbeat = interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ comment: 'keep-alive' })));
    return concat(hello, merge(this.deviceEvents, this.alertEvents, heartbeat)).pipe(takeUntil(this.closing));
  }

  /**
   * Nest closes the HTTP server before the shutdown hooks drain the writer, and closing waits for open responses:
   * an open event stream would hold up the flush to InfluxDB. So every stream ends first.
   */
  beforeApplicationShutdown(): void {
    this.closed = true;
    this.closing.next();
    this.closing.complete();
  }
}
