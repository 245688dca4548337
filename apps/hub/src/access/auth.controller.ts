import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Inject, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Principal, meView, type MeView, TooManyAttemptsError, OperatorsService, type Authentication, sessionTokenOf, LoginService, clearedSessionCookie, sessionCookie } from '@hub/access';
import type { OperatorPreferences } from '@hub/api-types';
import type { HubConfig } from '@hub/config';
import { HUB_CONFIG } from '../hub.tokens';
import { CurrentAuthentication, CurrentPrincipal, PublicRoute, RequiresRole } from './access.decorators';
import { LoginDto, MeDto, PasswordChangeDto } from './access.dto';
import { OperatorPreferencesRepository } from './operator-preferences.repository';

/** Same words for an unknown user, a wrong password and a disabled operator: the answer must not tell them apart. */
const REFUSED = 'Wrong username or password';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly logins: LoginService,
    private readonly operators: OperatorsService,
    private readonly preferences: OperatorPreferencesRepository,
  ) {}

  /** An operator's saved choices; API keys have none. */
  private async preferencesOf(principal: Principal): Promise<OperatorPreferences | null> {
    return principal.kind === 'operator' ? this.preferences.get(principal.name) : null;
  }

  @PublicRoute()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in: sets the session cookie (HttpOnly, SameSite=Strict). Needs Content-Type: application/json.' })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: MeDto })
  @ApiUnauthorizedResponse({ description: 'Wrong username or password (the same for an unknown or disabled user)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this username or from this address: Retry-After says when to try again' })
  async login(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<MeView> {
    const result = await this.logins.login(body, request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if (result.outcome === 'throttled') throw tooMany(response, new TooManyAttemptsError(result.retryAfterMs));
    if (result.outcome === 'refused') throw new UnauthorizedException(REFUSED);
    response.setHeader('Set-Cookie', sessionCookie(result.token, this.secure(request)));
    return meView(result.principal, result, this.config.timeZone, await this.preferencesOf(result.principal));
  }

  @PublicRoute()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Log out: ends the session and clears the cookie (also when the session had already ended)' })
  @ApiNoContentResponse()
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.logins.logout(sessionTokenOf(request.headers.cookie));
    response.setHeader('Set-Cookie', clearedSessionCookie(this.secure(request)));
  }

  @Get('me')
  @ApiOperation({ summary: 'Who is asking: name, role, scope and, for a session, when it ends' })
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() principal: Principal, @CurrentAuthentication() authentication: Authentication): Promise<MeView> {
    return meView(principal, authentication.session, this.config.timeZone, await this.preferencesOf(principal));
  }

  @RequiresRole('viewer')
  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your own password (operators): the current one is needed; your other sessions end' })
  @ApiBody({ type: PasswordChangeDto })
  @ApiNoContentResponse()
  @ApiTooManyRequestsResponse()
  async changePassword(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    try {
      await this.operators.changeOwnPassword(principal, body, sessionTokenOf(request.headers.cookie));
    } catch (error) {
      if (error instanceof TooManyAttemptsError) throw tooMany(response, error);
      throw error;
    }
  }

  private secure(request: Request): boolean {
    return this.config.operators.secureCookies === 'always' || request.secure;
  }
}

function tooMany(response: Response, error: TooManyAttemptsError): HttpException {
  response.setHeader('Retry-After', String(error.retryAfterSeconds));
  return new HttpException(error.message, HttpStatus.TOO_MANY_REQUESTS);
}
