import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessDeniedError, type Principal } from '@hub/access';
import { CONSOLE_LANGUAGES, type OperatorPreferences, TIME_ZONE_CHOICES } from '@hub/api-types';
import { type DomainIssue, InvalidInputError, JsonInputReader } from '@hub/common';
import { CurrentPrincipal, RequiresRole } from './access.decorators';
import { OperatorPreferencesRepository } from './operator-preferences.repository';

/** `{ language, timeZone }`, each one of its choices or null (not chosen); every problem named by its field. */
export function parsePreferences(body: unknown): OperatorPreferences {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['language', 'timeZone']);
  if (read === undefined) throw new InvalidInputError('preferences', issues);
  const language = read.raw('language') === null ? null : (read.oneOf('language', CONSOLE_LANGUAGES) ?? null);
  const timeZone = read.raw('timeZone') === null ? null : (read.oneOf('timeZone', TIME_ZONE_CHOICES) ?? null);
  if (issues.length > 0) throw new InvalidInputError('preferences', issues);
  return { language, timeZone };
}

/** An operator's console language and clock, kept on the hub so they follow the operator from computer to computer. */
@ApiTags('auth')
@RequiresRole('viewer')
@Controller('api/me/preferences')
export class OperatorPreferencesController {
  constructor(private readonly preferences: OperatorPreferencesRepository) {}

  @Get()
  @ApiOperation({ summary: 'Your console language (zh-CN, en) and time zone choice (county, browser); null: not chosen' })
  @ApiOkResponse({ schema: { type: 'object' } })
  get(@CurrentPrincipal() principal: Principal): Promise<OperatorPreferences> {
    return this.preferences.get(operatorOf(principal));
  }

  @Put()
  @ApiOperation({ summary: 'Save your console language and time zone choice: { language: "zh-CN" | "en" | null, timeZone: "county" | "browser" | null }' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOkResponse({ schema: { type: 'object' } })
  @ApiBadRequestResponse()
  @ApiForbiddenResponse({ description: 'An API key: only operators have preferences' })
  async put(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<OperatorPreferences> {
    const username = operatorOf(principal);
    const preferences = parsePreferences(body);
    await this.preferences.save(username, preferences, Date.now());
    return preferences;
  }
}

function operatorOf(principal: Principal): string {
  if (principal.kind !== 'operator') throw new AccessDeniedError('Only an operator signed in has console preferences; an API key has none');
  return principal.name;
}
