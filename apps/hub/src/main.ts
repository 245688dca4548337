import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { HubConfig, InvalidConfigError, loadHubConfig } from '@hub/config';
import { serveConsole } from './console/console-static';
import { GlobalExceptionFilter } from './global-exception.filter';
import { JSON_BODY_OPTIONS } from './http/json-body';
import { applyHeapSettings } from './heap-settings';
import { HubModule } from './hub.module';
import { DataFolderBusyError, DataFolderLock } from '@hub/store';
import { MqttBroker } from '@hub/broker';
import { IngestStats, RetentionChangeRefusedError } from '@hub/pipeline';
import { HubConsoleLogger } from './logging/hub-console-logger';

const LOG_LEVELS: Record<HubConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

async function bootstrap(): Promise<void> {
  let config: HubConfig;
  try {
    config = loadHubConfig(process.env);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  applyHeapSettings(config.runtime);
  // Before anything in the data folder is opened (the database, the spool): a second hub on the same folder stops
  // here, having touched nothing, and `npm run restore` refuses to write under a running hub.
  let dataFolder: DataFolderLock;
  try {
    dataFolder = DataFolderLock.acquire(config.dataDir, 'hub');
  } catch (error) {
    if (error instanceof DataFolderBusyError) {
      process.stderr.write(`County Sensing Hub failed to start: ${error.message}. Stop the other hub, or give this one its own HUB_DATA_DIR.\n`);
      process.exit(1);
    }
    throw error;
  }

  const tls = config.perimeter.tls;
  const app = await NestFactory.create<NestExpressApplication>(HubModule.forConfig(config, dataFolder), {
    // With a certificate the API and console are HTTPS only, on the same port: no plaintext login page or API key.
    httpsOptions: tls === null ? undefined : { cert: tls.certificate, key: tls.privateKey },
    // JSON bodies only, read with the hub's limits (http/json-body.ts); any other body gets a 415 (RequestShapeInterceptor).
    bodyParser: false,
    // Structured entries ({ msg, deviceId, error, … }) on one line each: readable in a terminal, greppable in a file.
    logger: new HubConsoleLogger({ logLevels: LOG_LEVELS[config.logLevel], format: config.logFormat, colors: process.stdout.isTTY === true }),
  });
  // Nest's types leave `verify` out because its rawBody option uses it; rawBody is off here.
  app.useBodyParser('json', JSON_BODY_OPTIONS as NestExpressBodyParserOptionsFor<'json'>);
  app.useGlobalFilters(new GlobalExceptionFilter());
  // SIGTERM/SIGINT run the shutdown hooks: stop accepting, flush to InfluxDB, persist state.
  stopOnSignals(app, app.get(IngestStats));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('County Sensing Hub')
      .setDescription('Field sensors of water, power, gas, district heat and traffic: devices, readings, dead letters, health.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  // The operator console, built by Vite next to the service (dist/console), on the same port as the API.
  serveConsole(app, join(__dirname, '../../../console'), new Logger('OperatorConsole'), config.map.tileSource);
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address();
  const httpPort = typeof address === 'object' && address !== null ? address.port : config.http.port;
  const broker = app.get(MqttBroker);
  if (tls !== null) {
    const logger = new Logger('Tls');
    logger.log(`Certificate ${tls.subject} from ${tls.certFile}, valid until ${tls.validTo.toISOString()}`);
    if (tls.validTo.getTime() < Date.now()) logger.warn(`The certificate in ${tls.certFile} expired on ${tls.validTo.toISOString()}: clients that check it will refuse to connect`);
  }
  // One machine-readable line for scripts and tests that start the service on port 0.
  const ready = { event: 'hub-ready', httpPort, https: tls !== null, mqttPort: broker.tcpPort, mqttsPort: broker.tlsPort, wsPort: broker.wsPort, mqttProxyPort: broker.proxyPort };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

/**
 * A graceful stop exits 0 once everything was flushed, so service managers and scripts can tell it from a crash.
 * Not Nest's enableShutdownHooks: after the hooks it re-raises the signal, and a process killed by SIGTERM exits 143
 * however cleanly it stopped. Readings still in memory after the drain deadline (HubLifecycle logs them) or a
 * shutdown hook that threw exit 1. A second signal while stopping is ignored: the drain has its own deadline.
 */
function stopOnSignals(app: NestExpressApplication, stats: IngestStats): void {
  // The hooks are told the signal (HubLifecycle logs "Stopping (SIGTERM)"): NestApplicationContext.close takes it,
  // the INestApplication interface leaves it out.
  const close = (signal: string): Promise<void> => (app as unknown as { close(signal?: string): Promise<void> }).close(signal);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    close(signal).then(
      () => process.exit(stats.buffered === 0 ? 0 : 1),
      (error: unknown) => {
        new Logger('Shutdown').fatal({ msg: 'The stop failed', signal, error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof RetentionChangeRefusedError) {
    // A setting to confirm or undo, not a crash: the message says which and how, without a stack.
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`County Sensing Hub failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
