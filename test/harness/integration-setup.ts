// Integration tests start real servers and run real faults (an InfluxDB outage of 30 s among them).
jest.setTimeout(180_000);
