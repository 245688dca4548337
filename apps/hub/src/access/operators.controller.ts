import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Principal, OperatorsService, type OperatorView } from '@hub/access';
import { CurrentPrincipal, RequiresRole } from './access.decorators';
import { NewOperatorDto, OperatorChangeDto, OperatorDto } from './access.dto';

@ApiTags('operators')
@RequiresRole('admin')
@Controller('api/operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Get()
  @ApiOperation({ summary: 'Operators (admins; a scoped admin sees those inside their scope)' })
  @ApiOkResponse({ type: [OperatorDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<OperatorView[]> {
    return this.operators.list(principal);
  }

  @Get(':username')
  @ApiOperation({ summary: 'One operator' })
  @ApiOkResponse({ type: OperatorDto })
  @ApiNotFoundResponse()
  get(@Param('username') username: string, @CurrentPrincipal() principal: Principal): Promise<OperatorView> {
    return this.operators.get(username, principal);
  }

  @Post()
  @ApiOperation({ summary: 'Create an operator with a role and a scope (towns, domains; empty: the county)' })
  @ApiBody({ type: NewOperatorDto })
  @ApiCreatedResponse({ type: OperatorDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }, e.g. a password shorter than 12 characters' })
  @ApiConflictResponse({ description: 'The username is taken' })
  @ApiForbiddenResponse({ description: 'The scope reaches beyond your own' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<OperatorView> {
    return this.operators.create(body, principal);
  }

  @Patch(':username')
  @ApiOperation({ summary: 'Change role, scope, disabled, or reset the password. Disabling or a reset logs the operator out everywhere at once.' })
  @ApiBody({ type: OperatorChangeDto })
  @ApiOkResponse({ type: OperatorDto })
  @ApiConflictResponse({ description: 'It would leave no enabled admin' })
  update(@Param('username') username: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<OperatorView> {
    return this.operators.update(username, body, principal);
  }
}
