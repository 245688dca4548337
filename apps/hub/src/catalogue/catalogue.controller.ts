import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Catalogue, describeCatalogue } from '@hub/contract';

/** The data contract as data: what the console (and any other client) labels, units and normal bands come from. */
@ApiTags('catalogue')
@Controller('api/catalogue')
export class CatalogueController {
  private readonly catalogue = describeCatalogue();

  @Get()
  @ApiOperation({ summary: 'Domains, their metrics (unit, description, plausible range, typical band) and every reject reason' })
  @ApiOkResponse({ description: '{ domains: [{ domain, metrics: [{ name, unit, description, range, typical, integer }] }], rejectReasons: [{ code, description }] }' })
  get(): Catalogue {
    return this.catalogue;
  }
}
