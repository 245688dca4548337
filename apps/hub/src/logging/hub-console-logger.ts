import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { formatTextLine, jsonFields, LogEntry, splitMessage } from './log-entry';

/** Nest's start-up detail (every module initialised, every route mapped): kept, but at debug. */
const START_UP_DETAIL = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

export interface HubLoggerOptions {
  readonly logLevels: LogLevel[];
  readonly format: 'text' | 'json';
  readonly colors: boolean;
}

/**
 * Nest's ConsoleLogger, which keeps doing what it does well (levels, contexts, stderr for errors, synchronous writes
 * so nothing is lost at exit, JSON serialisation that survives cycles), with only the entry's shape overridden:
 * one line per entry, the structured object the hub logs ({ msg, deviceId, error, … }) spread into key=value
 * fields in text mode and into top-level JSON fields in json mode (log-entry.ts), instead of `Object(4) { … }`.
 */
export class HubConsoleLogger extends ConsoleLogger {
  constructor(options: HubLoggerOptions) {
    super({ logLevels: options.logLevels, json: options.format === 'json', colors: options.format === 'text' && options.colors, compact: true });
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1) ?? this.context;
    if (typeof context === 'string' && START_UP_DETAIL.has(context)) {
      this.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }

  protected override formatMessage(
    logLevel: LogLevel,
    message: unknown,
    _pidMessage: string,
    _formattedLogLevel: string,
    contextMessage: string,
    _timestampDiff: string,
    params?: Record<string, unknown>,
  ): string {
    // contextMessage is "[Context] " (maybe coloured); the entry wants the bare name.
    const context = /\[([^\]]*)\]/.exec(contextMessage)?.[1];
    return `${formatTextLine(this.entry(logLevel, context, message, params), (label) => this.colorize(label, logLevel))}\n`;
  }

  protected override printAsJson(
    message: unknown,
    options: { context: string; logLevel: LogLevel; writeStreamType?: 'stdout' | 'stderr'; errorStack?: unknown; params?: Record<string, unknown>; error?: Error },
  ): void {
    const entry = this.entry(options.logLevel, options.context, message, {
      ...options.params,
      ...(options.error === undefined ? {} : { error: options.error }),
      ...(typeof options.errorStack === 'string' ? { stack: options.errorStack } : {}),
    });
    process[options.writeStreamType ?? 'stdout'].write(`${this.stringifyJsonLogObject(jsonFields(entry, (error) => this.serializeError(error)))}\n`);
  }

  private entry(level: LogLevel, context: string | undefined, message: unknown, params: Record<string, unknown> | undefined): LogEntry {
    const { msg, fields } = splitMessage(this.resolveMessage(message), params);
    return { time: new Date(), level, context: context || undefined, msg, fields };
  }
}
