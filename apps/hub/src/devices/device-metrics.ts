import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { MqttBroker } from '@hub/broker';
import { DeviceRegistryService, DEVICE_STATUSES } from '@hub/devices';

/** Device access metrics, read at scrape time from the broker's access counters and the registry. */
@Injectable()
export class DeviceMetrics {
  constructor(registry: Registry, broker: MqttBroker, devices: DeviceRegistryService) {
    const counters = broker.access.counters;
    new Counter({
      name: 'hub_mqtt_connections_refused_total',
      help: 'MQTT CONNECTs refused, by CONNACK code and reason (unknown-device, wrong-secret, revoked, disabled, client-id-mismatch …)',
      labelNames: ['code', 'reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, count] of counters.connectionsRefused) {
          const [code, reason] = key.split('/');
          this.inc({ code, reason }, count);
        }
      },
    });
    new Gauge({
      name: 'hub_devices_registered',
      help: 'Devices in the registry, by status',
      labelNames: ['status'],
      registers: [registry],
      collect() {
        this.reset();
        const list = devices.list();
        for (const status of DEVICE_STATUSES) this.set({ status }, list.filter((device) => device.status === status).length);
      },
    });
  }
}
