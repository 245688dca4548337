import { BeforeApplicationShutdown, Injectable, MessageEvent } from '@nestjs/common';
import { concat, defer, filter, from, interval, map, merge, mergeMap, Observable, of, share, Subject, takeUntil } from 'rxjs';
import { DevicePresence } from '../../../../libs/pipeline/src/device-presence';
import { DeviceChangeTracker } from './device-change.tracker';

/** How often presence is compared for changes while anyone listens. */
const DEVICE_POLL_MS = 1000;
/** A comment line now and then keeps idle proxies and load balancers from closing the stream. */
const HEARTBEAT_MS = 20_000;
/** Tells EventSource how long to wait before reconnecting after the stream ends (e.g. a restart of the service). */
const RECONNECT_MS = 3000;

/**
 * The console's live feed (server-sent events): `hello` on connect (the client reloads its lists then, which also
 * covers whatever it missed while disconnected), then `device` for each device that appears, goes offline or comes
 * back. One presence poller is shared by every listener and runs only while someone listens.
 */
@Injectable()
export class LiveEventsService implements BeforeApplicationShutdown {
  private readonly closing = new Subject<void>();
  private closed = false;
  private readonly deviceEvents: Observable<MessageEvent>;

  constructor(presence: DevicePresence) {
    this.deviceEvents = defer(() => {
      const tracker = new DeviceChangeTracker(presence.list());
      return interval(DEVICE_POLL_MS).pipe(map(() => tracker.changes(presence.list())));
    }).pipe(
      filter((changes) => changes.length > 0),
      mergeMap((changes) => from(changes)),
      map((change): MessageEvent => ({ type: 'device', data: change })),
      share(),
    );
  }

  stream(): Observable<MessageEvent> {
    const hello = of<MessageEvent>({ type: 'hello', retry: RECONNECT_MS, data: { serverTime: Date.now() } });
    // During shutdown a (re)connecting client gets its hello and an ended stream: nothing may hold the HTTP server open.
    if (this.closed) return hello;
    const heartbeat = interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ comment: 'keep-alive' })));
    return concat(hello, merge(this.deviceEvents, heartbeat)).pipe(takeUntil(this.closing));
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
