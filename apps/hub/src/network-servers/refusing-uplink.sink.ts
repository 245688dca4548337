import type { UplinkSink, UplinkSource } from '@hub/lorawan';

/**
 * Until the ingest side of issue 15 lands: refuses every uplink, so nothing is acknowledged and the network
 * server's broker keeps it for the real sink. Dead-letters nothing.
 */
export class RefusingUplinkSink implements UplinkSink {
  take(_source: UplinkSource, done: (error?: Error) => void): void {
    done(new Error('uplink ingest not wired yet'));
  }
}
