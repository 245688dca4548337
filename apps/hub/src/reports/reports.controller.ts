import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@hub/access';
import type { ReportDefinitionView, ReportRunPage, ReportRunView } from '@hub/api-types';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { badPathParam } from '../http/query-params';
import { CURSOR, LIMIT } from '../http/query-pipes';
import { ReportsService } from './reports.service';

const DEFINITION_EXAMPLE = { name: 'Ashford monthly', area: 'Ashford', domain: 'water', period: 'monthly', language: 'zh', contactPoints: ['ashford-office'], enabled: true };

/**
 * /api/reports: scheduled reports. Admins keep the definitions (within their scope); everyone lists and downloads the
 * reports their scope covers; operators may make one now for a past period.
 */
@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @RequiresRole('admin')
  @ApiOperation({ summary: 'The report definitions within the caller’s scope' })
  @ApiOkResponse({ description: '[{ id, name, area, domain, period, language, contactPoints, enabled, createdAt, createdBy, updatedAt, updatedBy }]' })
  definitions(@CurrentPrincipal() principal: Principal): Promise<ReportDefinitionView[]> {
    return this.reports.definitions(principal);
  }

  @Post()
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Define a report: an area ("" the county, a town, Town/Village), a domain (null: all), daily/weekly/monthly in the county’s time zone, a language (en, zh), email contact points. Its last closed period is made at the next check.' })
  @ApiBody({ schema: { type: 'object', example: DEFINITION_EXAMPLE } })
  @ApiCreatedResponse({ description: 'The definition' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }: an unknown area path form, domain, period, language or contact point, a contact point that is not email' })
  @ApiForbiddenResponse({ description: 'An area or domain outside the caller’s scope' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<ReportDefinitionView> {
    return this.reports.create(body, principal);
  }

  @Get('runs')
  @ApiOperation({ summary: 'Reports made, newest first, that the caller’s scope covers (area and domain)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 50' })
  @ApiQuery({ name: 'before', required: false, description: 'A run id: older runs only (nextBefore of the previous page)' })
  @ApiQuery({ name: 'definition', required: false, description: 'Only the runs of this definition id' })
  @ApiOkResponse({ description: '{ items: [run with figures, deliveries and downloads], nextBefore }' })
  runs(@CurrentPrincipal() principal: Principal, @Query('limit', LIMIT) limit?: number, @Query('before', CURSOR) before?: number, @Query('definition', CURSOR) definition?: number): Promise<ReportRunPage> {
    return this.reports.runs(principal, { limit: limit ?? 50, before, definition });
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One report made, with its figures' })
  @ApiNotFoundResponse({ description: 'No such run within the caller’s scope' })
  run(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ReportRunView> {
    return this.reports.run(idOf(id), principal);
  }

  @Get('runs/:id/html')
  @ApiOperation({ summary: 'The printable page (audited)' })
  @ApiProduces('text/html')
  @ApiNotFoundResponse({ description: 'No such run within the caller’s scope' })
  async html(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Res() response: Response): Promise<void> {
    send(response, await this.reports.download(idOf(id), 'html', principal));
  }

  @Get('runs/:id/csv')
  @ApiOperation({ summary: 'The figures as CSV, UTF-8 with a byte-order mark (audited)' })
  @ApiProduces('text/csv')
  @ApiNotFoundResponse({ description: 'No such run within the caller’s scope' })
  async csv(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Res() response: Response): Promise<void> {
    send(response, await this.reports.download(idOf(id), 'csv', principal));
  }

  @Patch(':id')
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Change a definition (any of its fields)' })
  @ApiBody({ schema: { type: 'object', example: { enabled: false } } })
  @ApiOkResponse({ description: 'The definition' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiNotFoundResponse()
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<ReportDefinitionView> {
    return this.reports.update(idOf(id), body, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Remove a definition; the reports made from it stay' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.reports.remove(idOf(id), principal);
  }

  @Post(':id/runs')
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Make the report now for the closed period holding date (YYYY-MM-DD, county calendar; default the last closed period), replacing that period’s report; emailed only with deliver: true' })
  @ApiBody({ schema: { type: 'object', example: { date: '2026-11-15', deliver: false } } })
  @ApiCreatedResponse({ description: 'The run' })
  @ApiBadRequestResponse({ description: 'A bad date, or a period not yet ended (code report-period-open)' })
  @ApiNotFoundResponse()
  runNow(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<ReportRunView> {
    return this.reports.runNow(idOf(id), body, principal);
  }
}

function idOf(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw badPathParam('id', value, 'a positive whole number');
  return Number(value);
}

function send(response: Response, download: { filename: string; contentType: string; content: string }): void {
  response.setHeader('content-type', download.contentType);
  response.setHeader('content-disposition', `attachment; filename="${download.filename}"`);
  // The page is the hub's own rendering, but it is served from the API's origin: no scripts may run in it.
  response.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
  response.send(download.content);
}
