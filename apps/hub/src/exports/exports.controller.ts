import { Controller, Get, Logger, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@hub/access';
import { ALERT_STATES, SEVERITIES, type AlertState, type Severity } from '@hub/alerts';
import { InfluxQueryError } from '@hub/influx';
import { REJECT_REASON_CODES, type Domain, type RejectReason } from '@hub/contract';
import { CurrentPrincipal } from '../access/access.decorators';
import { DOMAIN_API_DOC, DomainQuery } from '../catalogue/domain-query.pipe';
import { orderedTimes } from '../http/query-params';
import { DEVICE_ID, enumQuery, FLAG, PLAIN, textQuery, TIME } from '../http/query-pipes';
import { ALERT_COLUMNS } from './alerts-export';
import type { CsvExport } from './csv-export';
import { sendCsv } from './csv-response';
import { DEAD_LETTER_COLUMNS } from './dead-letters-export';
import { DEVICE_LIST, RESOLUTION } from './export-query.pipes';
import type { ExportKind } from './export-metrics';
import { ExportsService } from './exports.service';
import { RAW, type ExportResolution } from './readings-export.query';
import { AGGREGATE_READING_COLUMNS, RAW_READING_COLUMNS } from './readings-export.rows';

const STATE_FILTERS = [...ALERT_STATES, 'open'] as const;
const CSV_DOC = 'UTF-8 CSV with a byte-order mark (Excel opens Chinese text correctly), RFC 4180 quoting, CRLF line ends; times in UTC (ISO-8601) and in HUB_TIME_ZONE with its offset. Streamed: a failure after the first byte cuts the download short. Recorded in the audit log.';

/**
 * GET /api/exports/*.csv: readings, alerts with their history and dead letters as spreadsheets, streamed. Each is
 * scoped exactly like the read it stands for (GET /api/devices/:id/readings and the area roll-ups, GET /api/alerts,
 * GET /api/dead-letters), takes the same filters, and is audited (`export.*`) with who asked for what.
 */
@ApiTags('exports')
@Controller('api/exports')
export class ExportsController {
  private readonly logger = new Logger(ExportsController.name);

  constructor(private readonly exportsService: ExportsService) {}

  @Get('readings.csv')
  @ApiOperation({ summary: 'Readings of some devices, or of a town or village, over a range: as stored (every=raw) or mean/min/max/count per bucket' })
  @ApiQuery({ name: 'devices', required: false, description: 'Device ids separated by commas (at most 1,000), each one you may see; or area' })
  @ApiQuery({ name: 'area', required: false, description: 'A town, or Town/Village: the readings stored with that town (and village) tag; wholly within your towns' })
  @ApiQuery({ name: 'domain', required: false, ...DOMAIN_API_DOC, description: 'With area: only this domain (default: every domain of your scope)' })
  @ApiQuery({ name: 'from', required: true, description: 'Epoch ms or ISO-8601: readings at or after (event time)' })
  @ApiQuery({ name: 'to', required: false, description: 'Epoch ms or ISO-8601: readings before; default now' })
  @ApiQuery({
    name: 'every',
    required: false,
    description: 'raw (default): every reading as stored (raw and backfill policies); or a bucket size (1s to 30d, e.g. 1m, 1h, 1d: whole days are the county’s) for mean, min, max and count per bucket, read from the coarsest stored resolution that serves it, as the readings API reads',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: `${CSV_DOC} Columns, raw: ${RAW_READING_COLUMNS.join(', ')}; per bucket: ${AGGREGATE_READING_COLUMNS.join(', ')}. One row per metric of a reading (or bucket); rows come per domain, then per source (hours, minutes, raw readings).`,
    headers: {
      'X-Hub-Resolution': { description: 'The coarsest resolution read: raw, 1m or 1h', schema: { type: 'string' } },
      'X-Hub-Resolution-Sources': { description: 'Each source and the part of the range it served, e.g. `1h 2026-01-01T00:00:00.000Z/2026-12-06T19:00:00.000Z, raw 2026-12-06T19:00:00.000Z/2026-12-06T19:40:00.000Z`', schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({ description: 'Neither or both of devices and area, a bad id, area, domain, from, to or every' })
  @ApiForbiddenResponse({ description: 'A device outside your towns/domains (device-out-of-scope), an area not wholly within your towns, a domain outside yours (forbidden)' })
  @ApiNotFoundResponse({ description: 'An unknown device or area' })
  @ApiServiceUnavailableResponse({ description: 'InfluxDB did not answer' })
  async readings(
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
    @Query('devices', DEVICE_LIST) devices?: string[],
    @Query('area', PLAIN) area?: string,
    @Query('domain', DomainQuery) domain?: Domain,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
    @Query('every', RESOLUTION) resolution: ExportResolution = RAW,
  ): Promise<void> {
    await this.send('readings', res, await this.exportsService.readings.prepare(principal, { devices, area, domain, from, to, resolution }));
  }

  @Get('alerts.csv')
  @ApiOperation({ summary: 'Alerts with their history, one row per history entry (fired, acknowledged, commented, resolved …): what GET /api/alerts lists for the same filters, newest alert first' })
  @ApiQuery({ name: 'state', required: false, enum: STATE_FILTERS, description: 'open = firing or acknowledged' })
  @ApiQuery({ name: 'severity', required: false, enum: SEVERITIES })
  @ApiQuery({ name: 'domain', required: false, ...DOMAIN_API_DOC })
  @ApiQuery({ name: 'town', required: false })
  @ApiQuery({ name: 'device', required: false })
  @ApiQuery({ name: 'rule', required: false })
  @ApiQuery({ name: 'flapping', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'from', required: false, description: 'Alerts still open at, or resolved after, this time' })
  @ApiQuery({ name: 'to', required: false, description: 'Alerts whose condition began before this time' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: `${CSV_DOC} Columns: ${ALERT_COLUMNS.join(', ')}.` })
  @ApiBadRequestResponse({ description: 'A bad filter' })
  async alerts(
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
    @Query('state', enumQuery(STATE_FILTERS)) state?: (typeof STATE_FILTERS)[number],
    @Query('severity', enumQuery(SEVERITIES)) severity?: Severity,
    @Query('domain', DomainQuery) domain?: Domain,
    @Query('town', textQuery(100)) town?: string,
    @Query('device', DEVICE_ID) deviceId?: string,
    @Query('rule', textQuery(64)) ruleId?: string,
    @Query('flapping', FLAG) flapping?: boolean,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
  ): Promise<void> {
    const states: AlertState[] | undefined = state === undefined ? undefined : state === 'open' ? ['firing', 'acknowledged'] : [state];
    await this.send('alerts', res, await this.exportsService.alerts(principal, { states, severity, domain, town, deviceId, ruleId, flapping, from, to }));
  }

  @Get('dead-letters.csv')
  @ApiOperation({ summary: 'Refused readings with reason, detail and raw payload: what GET /api/dead-letters lists for the same filters, newest first' })
  @ApiQuery({ name: 'reason', required: false, enum: REJECT_REASON_CODES })
  @ApiQuery({ name: 'device', required: false, description: 'Device id' })
  @ApiQuery({ name: 'from', required: false, description: 'Received at or after (epoch ms or ISO-8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'Received before (epoch ms or ISO-8601)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: `${CSV_DOC} Columns: ${DEAD_LETTER_COLUMNS.join(', ')}. Free text that would start a spreadsheet formula (= + - @) gets a leading '.` })
  @ApiBadRequestResponse({ description: 'A bad filter' })
  async deadLetters(
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
    @Query('reason', enumQuery(REJECT_REASON_CODES)) reason?: RejectReason,
    @Query('device', DEVICE_ID) deviceId?: string,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
  ): Promise<void> {
    orderedTimes(from, to);
    await this.send('dead-letters', res, await this.exportsService.deadLetters(principal, { reason, deviceId, from, to }));
  }

  private async send(kind: ExportKind, res: Response, csv: CsvExport): Promise<void> {
    if (this.exportsService.stopping.aborted) throw new ServiceUnavailableException({ message: 'The hub is stopping; export again once it is back', retryAfter: 30 });
    let result;
    try {
      result = await sendCsv(res, csv, this.logger, this.exportsService.stopping);
    } catch (error) {
      // Before the first byte: InfluxDB down or refusing is a 503, as for GET /api/devices/:id/readings.
      if (error instanceof InfluxQueryError) throw new ServiceUnavailableException(`InfluxDB query failed: ${error.message}`, { cause: error });
      throw error;
    }
    this.exportsService.metrics.ended(kind, result);
  }
}
