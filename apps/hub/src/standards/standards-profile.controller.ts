import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import type { StandardsProfileDiff, StandardsProfileView } from '@hub/api-types';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { StandardsProfileChoiceDto, StandardsProfileDiffDto, StandardsProfileViewDto } from './standards-profile.dto';
import { StandardsProfileService } from './standards-profile.service';

/** The county's standards profile (cn or eu): county-wide admins only, every change audited. */
@ApiTags('standards-profile')
@RequiresRole('admin')
@Controller('api/standards-profile')
export class StandardsProfileController {
  constructor(private readonly service: StandardsProfileService) {}

  @Get()
  @ApiOperation({ summary: 'The county’s standards profile, when and by whom it was chosen, and the profiles available' })
  @ApiOkResponse({ type: StandardsProfileViewDto })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  view(@CurrentPrincipal() principal: Principal): StandardsProfileView {
    return this.service.view(principal);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'What changing to this profile would do, changing nothing: each default rule added, changed (field by field), removed or kept (edited by an operator), and the catalogue’s built-in bands' })
  @ApiBody({ type: StandardsProfileChoiceDto })
  @ApiOkResponse({ type: StandardsProfileDiffDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field: "profile", problem }] }' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  preview(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<StandardsProfileDiff> {
    return this.service.preview(body, principal);
  }

  @Put()
  @ApiOperation({ summary: 'Change the profile: default rules nobody edited follow the new pack, edited ones are kept; the catalogue’s built-in bands follow unless an admin changed them. Answers what was done.' })
  @ApiBody({ type: StandardsProfileChoiceDto })
  @ApiOkResponse({ type: StandardsProfileDiffDto })
  @ApiBadRequestResponse({ description: 'No such profile, or it is the current one' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  apply(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<StandardsProfileDiff> {
    return this.service.apply(body, principal);
  }
}
