import { InMemoryBroker } from './in-memory-device-link';
import { connectMqttDeviceLink } from './mqtt-device-link';
import { describeDeviceLinkContract } from './testing/device-link.contract';
import { MiniMqttBroker } from './testing/mini-mqtt-broker';

describeDeviceLinkContract('in-memory link', async () => {
  const broker = new InMemoryBroker();
  return {
    connect: broker.connect,
    broker,
    url: 'memory://',
    refusal: (clientId) => `connection refused for ${clientId}`,
    closedLinkError: 'link closed',
    cleanup: async () => undefined,
  };
});

describeDeviceLinkContract('MQTT.js link → MiniMqttBroker on 127.0.0.1', async () => {
  const broker = new MiniMqttBroker();
  const port = await broker.listen();
  return {
    connect: connectMqttDeviceLink,
    broker: {
      get published() {
        return broker.published;
      },
      get willsFired() {
        return broker.willsPublished;
      },
      connected: broker.connected,
      cleanDisconnects: broker.cleanDisconnects,
      refuse: broker.refuse,
      get withholdAcks() {
        return broker.withholdAcks;
      },
      set withholdAcks(value: boolean) {
        broker.withholdAcks = value;
      },
    },
    url: `mqtt://127.0.0.1:${port}`,
    refusal: () => 'Connection refused: Not authorized',
    closedLinkError: 'link closed',
    cleanup: () => broker.close(),
  };
});
