import { connectAsync, IClientOptions, MqttClient } from 'mqtt';

/** The CONNACK return code the broker answers these credentials with (0 = accepted), over a real connection. */
export async function connackCode(url: string, options: IClientOptions): Promise<number> {
  let client: MqttClient | undefined;
  try {
    client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw error;
  } finally {
    await client?.endAsync();
  }
}

/** Resolves when the broker closes the client's connection (e.g. after its secret was rotated). */
export function closedByBroker(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}
