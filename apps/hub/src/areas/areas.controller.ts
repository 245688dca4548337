import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '@hub/access';
import type { AreaImportReport, AreaView } from '@hub/api-types';
import { AreasService, importAreas, InvalidAreaError, levelOf, MAX_AREA_IMPORT_BYTES, readAreaCsv, type Area } from '@hub/devices';
import { CurrentPrincipal } from '../access/access.decorators';
import { AcceptsBody } from '../http/request-shape.interceptor';
import { readRequestText } from '../devices/request-text';

const PATH_DOC = 'The area path, percent-encoded: Ashford, or Ashford%2FMillbrook for a village';

/**
 * /api/areas: the county's towns and their villages or streets. Everyone signed in reads the part of the tree
 * their scope covers; admins change it (the guard's default for changes), within their towns; every change is
 * audited by the service.
 */
@ApiTags('areas')
@Controller('api/areas')
export class AreasController {
  constructor(private readonly areas: AreasService) {}

  @Get()
  @ApiOperation({ summary: 'The areas the caller sees: each town (by name) followed by its villages, with how many registered devices of the caller’s scope are in each (a town counts its villages’)' })
  @ApiOkResponse({ description: '[{ path, name, parent, level: town | village, devices }]' })
  list(@CurrentPrincipal() principal: Principal): AreaView[] {
    return this.areas.list(principal.scope);
  }

  @Post()
  @ApiOperation({ summary: 'Register a town ({ name }) or a village or street of a registered town ({ name, parent: town })' })
  @ApiBody({ schema: { type: 'object', example: { name: 'Millbrook', parent: 'Ashford' } } })
  @ApiCreatedResponse({ description: 'The area' })
  @ApiBadRequestResponse({ description: 'A name that is not a valid area name (1–100 characters, no "/" or invisible characters), or an unknown parent town' })
  @ApiConflictResponse({ description: 'Already registered' })
  @ApiForbiddenResponse({ description: 'Outside the towns the caller may manage' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<AreaView> {
    return this.viewOf(principal, await this.areas.create(principal, body));
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register areas from a CSV file with columns town and village (optional): one line per town or village. Good lines are created in one transaction; each refused line is reported with why.' })
  @ApiConsumes('text/csv')
  @AcceptsBody('text/csv')
  @ApiOkResponse({ description: '{ created: [path], refused: [{ line, path?, problems: [{ field, problem }] }] }' })
  @ApiBadRequestResponse({ description: 'The file cannot be read as an area list (header, columns, row count)' })
  async import(@CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<AreaImportReport> {
    const rows = readAreaCsv(await readRequestText(request, MAX_AREA_IMPORT_BYTES));
    if (!rows.ok) throw new InvalidAreaError('The CSV file cannot be imported', rows.problems);
    return importAreas(this.areas, principal, rows.value);
  }

  @Patch(':path')
  @ApiOperation({ summary: 'Rename an area ({ name }); its devices and villages move with it. Refused while a scope, rule, silence in force or policy route names it.' })
  @ApiBody({ schema: { type: 'object', example: { name: 'Millbrook Green' } } })
  @ApiOkResponse({ description: 'The area under its new path' })
  @ApiNotFoundResponse({ description: PATH_DOC })
  @ApiConflictResponse({ description: 'The new path is taken, or something still names the area (the message lists them)' })
  async rename(@CurrentPrincipal() principal: Principal, @Param('path') path: string, @Body() body: unknown): Promise<AreaView> {
    return this.viewOf(principal, await this.areas.rename(principal, path, body));
  }

  @Delete(':path')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an area nothing names any more: no village under it, no device, no operator, key, MQTT client, rule, silence in force or policy route' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: PATH_DOC })
  @ApiConflictResponse({ description: 'Something still names it: the message says who' })
  remove(@CurrentPrincipal() principal: Principal, @Param('path') path: string): Promise<void> {
    return this.areas.remove(principal, path);
  }

  /** The area as GET lists it, device count included. */
  private viewOf(principal: Principal, area: Area): AreaView {
    return this.areas.list(principal.scope).find((item) => item.path === area.path) ?? { path: area.path, name: area.name, parent: area.parent, level: levelOf(area), devices: 0 };
  }
}
