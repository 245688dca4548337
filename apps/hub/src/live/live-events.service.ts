import { BeforeApplicationShutdown, Inject, Injectable, Logger, MessageEvent } from '@nestjs/common';
import { catchError, concat, defer, exhaustMap, filter, from, interval, map, merge, mergeMap, Observable, of, share, Subject, switchMap, takeUntil } from 'rxjs';
import { AlertEngine, toAlertEventView, toAlertView } from '@hub/alerts';
import { Principal, ScopedThing, scopeCovers, type DeviceAreaLookup } from '@hub/access';
import { placeOfPath } from '@hub/common';
import { DevicePresence } from '@hub/devices';
import { DEVICE_AREA_LOOKUP } from '../hub.tokens';
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
 * How often an open stream checks that its listener may still listen (session not ended, operator not disabled, key
 * not revoked), and picks up a changed scope. The check reads the database without counting as activity: an open tab
 * alone does not keep a session alive.
 */
const RECHECK_MS = 2000;

/** An event with what it is about, so each listener gets only what their scope covers. */
interface ScopedMessage {
  readonly message: MessageEvent;
  readonly about: ScopedThing;
}

/**
 * The console's live feed (server-sent events): `hello` on connect (the client reloads its lists then, which also
 * covers whatever it missed while disconnected); `device` for each device that appears, goes offline or comes back;
 * `alert` for each entry of any alert's history (fired, acknowledged, commented, resolved…) with the alert as it is
 * now, its event id as the SSE id. One poller of each kind is shared by every listener and runs only while someone
 * listens; the alert history is the outbox the notification channels read too, so nothing is missed between polls.
 * Each listener gets only the devices and alerts inside their scope, and their stream ends once their credentials no
 * longer hold (EventSource then reconnects, gets 401, and the console shows its login).
 *
 * In a cluster every node's stream carries what happened on any node, once: device presence is shared between the
 * nodes (ClusterPresence: a device connected to another node, or offline because its node died, changes this node's
 * presence, which the device poller watches) and the alert history is in the shared database. Nothing goes over the
 * bus as a ready-made event: the bus delivers at most once, the history does not lose an entry, and a dead node's
 * devices going offline is something each survivor decides, not a message anyone could send once.
 */
@Injectable()
export class LiveEventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveEventsService.name);
  private readonly closing = new Subject<void>();
  private closed = false;
  private readonly deviceEvents: Observable<ScopedMessage>;
  private readonly alertEvents: Observable<ScopedMessage>;

  constructor(presence: DevicePresence, engine: AlertEngine, @Inject(DEVICE_AREA_LOOKUP) areaOf: DeviceAreaLookup) {
    this.deviceEvents = defer(() => {
      const tracker = new DeviceChangeTracker(presence.list());
      return interval(POLL_MS).pipe(map(() => tracker.changes(presence.list())));
    }).pipe(
      filter((changes) => changes.length > 0),
      mergeMap((changes) => from(changes)),
      map((change): ScopedMessage => ({ message: { type: 'device', data: change }, about: { ...placeOfPath(areaOf(change.device.deviceId)), domain: change.device.domain } })),
      share(),
    );
    // The cursor starts at the newest event when the first listener subscribes: what happens from then on is sent.
    this.alertEvents = defer(() => engine.alertRepository.lastEventId()).pipe(
      switchMap((newest) => {
        let cursor = newest;
        // exhaustMap: a poll still reading when the next one is due lets it pass, so two never read from one cursor.
        return interval(POLL_MS).pipe(
          exhaustMap(async (): Promise<ScopedMessage[]> => {
            try {
              const events = await engine.alertRepository.eventsAfter(cursor, ALERT_EVENTS_PER_POLL);
              const messages: ScopedMessage[] = [];
              for (const event of events) {
                const alert = await engine.workflow.get(event.alertId);
                messages.push({ message: { type: 'alert', id: String(event.id), data: { event: toAlertEventView(event), alert: toAlertView(alert) } }, about: alert });
              }
              if (events.length > 0) cursor = events[events.length - 1].id;
              return messages;
            } catch (error) {
              // Costs one poll, not the feed: the cursor has not moved, so the next poll sends these events.
              this.logger.error({ msg: 'Reading the alert history for the live feed failed', error });
              return [];
            }
          }),
          mergeMap((messages) => from(messages)),
        );
      }),
      share(),
    );
  }

  /**
   * The stream for one listener, who is `initial` (as the request was authenticated); `listener()` says who they are
   * now (null: no longer allowed to listen).
   */
  stream(initial: Principal, listener: () => Promise<Principal | null>): Observable<MessageEvent> {
    const hello = of<MessageEvent>({ type: 'hello', retry: RECONNECT_MS, data: { serverTime: Date.now() } });
    // During shutdown a (re)connecting client gets its hello and an ended stream: nothing may hold the HTTP server open.
    if (this.closed) return hello;
    let principal: Principal | null = initial;
    const revoked = interval(RECHECK_MS).pipe(
      // A check still running when the next one is due (a slow database) is not doubled up: the tick is skipped.
      exhaustMap(() =>
        from(listener()).pipe(
          catchError((error: unknown) => {
            // Unknown is not allowed: the stream ends, and the EventSource's reconnection is authenticated afresh.
            this.logger.warn({ msg: 'Re-checking a live listener failed; their stream ends', error });
            return of(null);
          }),
        ),
      ),
      filter((now) => (principal = now) === null),
    );
    const visible = (scoped: ScopedMessage): boolean => principal !== null && scopeCovers(principal.scope, scoped.about);
    const changes = merge(this.deviceEvents, this.alertEvents).pipe(
      filter(visible),
      map((scoped) => scoped.message),
    );
    const heartbeat = interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ comment: 'keep-alive' })));
    return concat(hello, merge(changes, heartbeat)).pipe(takeUntil(merge(this.closing, revoked)));
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
