import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { UplinkIngestService } from '@hub/pipeline';

/** What each network server connection delivered since start, by outcome, read from the uplink ingest at scrape time. */
@Injectable()
export class LoRaWanMetrics {
  constructor(registry: Registry, uplinks: UplinkIngestService) {
    new Counter({
      name: 'hub_lorawan_events_total',
      help: 'Network server events by connection and outcome: uplink (taken to decode), other (join, status, ack, log …), refused (dead-lettered before decoding: unknown DevEUI, inactive device, malformed event)',
      labelNames: ['connection', 'outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [connection, counts] of uplinks.allCounts()) {
          this.inc({ connection, outcome: 'uplink' }, counts.uplinks);
          this.inc({ connection, outcome: 'other' }, counts.otherEvents);
          this.inc({ connection, outcome: 'refused' }, counts.refused);
        }
      },
    });
  }
}
