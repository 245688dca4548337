import type { UplinkSink, UplinkSource } from '@hub/lorawan';
import type { UplinkIngestService } from '@hub/pipeline';

/**
 * The bridges' sink: each ChirpStack event into the pipeline (UplinkIngestService), its `done` the moment the bridge
 * may PUBACK — what the event held is durable — or an error, when the bridge must leave it for the broker to resend.
 */
export class IngestUplinkSink implements UplinkSink {
  constructor(private readonly uplinks: UplinkIngestService) {}

  take(source: UplinkSource, done: (error?: Error) => void): void {
    void this.uplinks.take(source.connection, source.topic, source.payload, source.event, (error) => done(error ?? undefined));
  }
}
