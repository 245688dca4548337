import { HubProcess } from '../harness/hub-process';

/** A bad setting stops the service at boot with a message naming the variable, the value and what is allowed. */
describe('configuration at boot', () => {
  it('refuses to start on bad values and names every one of them', async () => {
    await expect(
      HubProcess.start({ HUB_MQTT_PORT: 'abc', INFLUX_API: 'v3', HUB_MAX_READING_AGE: 'forever' }),
    ).rejects.toThrow(
      [
        'hub exited with code 78 before it was ready:',
        'Invalid environment variables:',
        '  - Invalid environment variable INFLUX_API="v3": one of v1, v2',
      ].join('\n'),
    );
  });

  it('lists each bad variable with what is allowed', async () => {
    const error = await HubProcess.start({ HUB_MQTT_PORT: 'abc', HUB_MAX_READING_AGE: 'forever' }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('Invalid environment variable HUB_MQTT_PORT="abc": a whole number from 0 to 65535');
    expect(message).toContain('Invalid environment variable HUB_MAX_READING_AGE="forever": a duration like 500ms, 30s, 5m, 12h or 7d');
  });

  it('requires token, org and bucket for the v2 write API', async () => {
    const error = (await HubProcess.start({ INFLUX_API: 'v2' }).catch((caught: Error) => caught)) as Error;
    for (const variable of ['INFLUX_TOKEN', 'INFLUX_ORG', 'INFLUX_BUCKET']) {
      expect(error.message).toContain(`Invalid environment variable ${variable}="": required when INFLUX_API=v2`);
    }
  });
});
