import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AlertEngine, type AlertRuleDocument } from '@hub/alerts';
import { AlertRuleDto, RuleEvaluationStatusDto } from './alert.dto';
import { CurrentPrincipal } from '../access/access.decorators';
import type { Principal } from '@hub/access';

/**
 * Everyone reads the rules that concern their part of the county (a water-only key sees water rules, an Ashford
 * operator no rule limited to other towns); changing them takes an admin (the guard's default for every method but
 * GET) whose scope holds the whole rule.
 */
@ApiTags('alert-rules')
@Controller('api/alert-rules')
export class AlertRulesController {
  constructor(private readonly engine: AlertEngine) {}

  @Get()
  @ApiOperation({ summary: 'Every alert rule that concerns the caller’s domains and towns (the default pack included, as edited)' })
  @ApiOkResponse({ type: [AlertRuleDto] })
  async list(@CurrentPrincipal() principal: Principal): Promise<AlertRuleDocument[]> {
    return (await this.engine.rules.listFor(principal)).map((rule) => this.engine.rules.document(rule));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One rule' })
  @ApiOkResponse({ type: AlertRuleDto })
  @ApiForbiddenResponse({ description: 'The rule watches only domains or towns outside the caller’s scope' })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<AlertRuleDocument> {
    return this.engine.rules.document(await this.engine.rules.getFor(id, principal));
  }

  @Post()
  @ApiOperation({ summary: 'Create a rule; it is scheduled at once. 400 names every bad field and what is allowed.' })
  @ApiBody({ type: AlertRuleDto })
  @ApiCreatedResponse({ type: AlertRuleDto })
  @ApiBadRequestResponse({ description: '{ statusCode, error, message, issues: [{ field, problem }] }' })
  @ApiConflictResponse({ description: 'A rule with this id exists' })
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<AlertRuleDocument> {
    return this.engine.rules.document(await this.engine.rules.create(body, principal));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a rule (send back what GET returned, edited). Open alerts follow: resolved if the rule now watches something else.' })
  @ApiBody({ type: AlertRuleDto })
  @ApiOkResponse({ type: AlertRuleDto })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'The body names an older revision' })
  async replace(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<AlertRuleDocument> {
    return this.engine.rules.document(await this.engine.rules.replace(id, body, principal));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields, e.g. {"enabled": false} or {"condition": {"value": 25}}; selector and condition merge one level deep' })
  @ApiBody({ type: AlertRuleDto })
  @ApiOkResponse({ type: AlertRuleDto })
  @ApiBadRequestResponse()
  @ApiConflictResponse()
  async patch(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<AlertRuleDocument> {
    return this.engine.rules.document(await this.engine.rules.patch(id, body, principal));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a rule: its job is removed and its open alerts are resolved (history is kept)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async delete(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.engine.rules.delete(id, principal);
  }

  @Get(':id/evaluations')
  @ApiOperation({ summary: 'How the rule’s scheduled evaluations went since the service started: counts by outcome, slow ones, the last duration and error' })
  @ApiOkResponse({ type: RuleEvaluationStatusDto })
  @ApiForbiddenResponse({ description: 'The rule watches only domains or towns outside the caller’s scope' })
  async evaluations(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<RuleEvaluationStatusDto> {
    const rule = await this.engine.rules.getFor(id, principal);
    const stats = this.engine.stats.rule(rule.id);
    const through = await this.engine.ruleRepository.evaluatedThrough(rule.id);
    return {
      ruleId: rule.id,
      scheduled: this.engine.scheduler.isScheduled(rule.id),
      ...stats,
      evaluatedThrough: through === null ? null : new Date(through).toISOString(),
    };
  }
}
