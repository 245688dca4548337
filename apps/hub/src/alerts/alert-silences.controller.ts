import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { SilenceView } from '@hub/api-types';
import { AlertEngine, toSilenceView, type AlertSilence } from '@hub/alerts';
import { badPathParam } from '../http/query-params';
import { enumQuery, LIMIT } from '../http/query-pipes';

/** A switch that is on only as `true`; any other value, `false` included, is a 400. */
const ONLY_TRUE = enumQuery(['true'] as const);
import { SilenceDto } from './alert.dto';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import type { Principal } from '@hub/access';

@ApiTags('alert-silences')
@Controller('api/alert-silences')
export class AlertSilencesController {
  constructor(private readonly engine: AlertEngine) {}

  @Get()
  @ApiOperation({ summary: 'Silences (maintenance windows), newest first: current and planned ones, or also the expired; a scoped caller sees those naming their towns/domains' })
  @ApiQuery({ name: 'active', required: false, enum: ['true'], description: 'Only those in force now' })
  @ApiQuery({ name: 'expired', required: false, enum: ['true'], description: 'Include expired ones' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiOkResponse({ type: [SilenceDto] })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('active', ONLY_TRUE) active?: 'true',
    @Query('expired', ONLY_TRUE) expired?: 'true',
    @Query('limit', LIMIT) limit = 100,
  ): Promise<SilenceView[]> {
    return (await this.engine.silences.list({ active: active === 'true', includeExpired: expired === 'true', limit }, principal)).map(view);
  }


  @Get(':id')
  @ApiOperation({ summary: 'One silence' })
  @ApiOkResponse({ type: SilenceDto })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<SilenceView> {
    return view(await this.engine.silences.get(silenceId(id), principal));
  }

  @RequiresRole('operator')
  @Post()
  @ApiOperation({
    summary:
      'Silence a device, a town or a domain (optionally one rule only) from startsAt (default now) until endsAt or for a duration (at most 90 days). While it holds, matching devices raise no alerts and changes of their open alerts are not notified. The author is the caller; a town-scoped operator must name one of their towns (a domain-scoped one, one of their domains).',
  })
  @ApiBody({ type: SilenceDto })
  @ApiCreatedResponse({ type: SilenceDto })
  @ApiBadRequestResponse()
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<SilenceView> {
    return view(await this.engine.silences.create(body, principal));
  }

  @RequiresRole('operator')
  @Patch(':id')
  @ApiOperation({ summary: 'Extend or shorten a silence (endsAt) or change its reason' })
  @ApiBody({ schema: { type: 'object', properties: { endsAt: { type: 'string' }, reason: { type: 'string' } } } })
  @ApiOkResponse({ type: SilenceDto })
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<SilenceView> {
    return view(await this.engine.silences.update(silenceId(id), body, principal));
  }

  @RequiresRole('operator')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a silence (ends it now)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async delete(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.engine.silences.delete(silenceId(id), principal);
  }
}

function view(silence: AlertSilence): SilenceView {
  return toSilenceView(silence, Date.now());
}

function silenceId(value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw badPathParam('id', value, 'a silence id (a whole number from 1)');
  return Number(value);
}
