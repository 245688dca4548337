import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { COUNTY_SCOPE, roleAllows } from '../../../../libs/access/src/access-scope';
import type { Principal, Role } from '../../../../libs/access/src/access-scope';
import type { HubConfig } from '../../../../libs/config/src';
import { HUB_CONFIG } from '../hub.tokens';
import { PRINCIPAL_KEY, PUBLIC_ROUTE, REQUIRED_ROLE } from './access.decorators';
import { SecretMatcher } from './secret-matcher';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every API route needs a principal with a sufficient role unless it is a @PublicRoute. Who is asking comes from the
 * Authorization header (`Bearer <API key>`); the route's @RequiresRole (or the default: viewer to read, admin to
 * change) decides whether they may. 401 when nobody is authenticated, 403 when the role is too low.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly bootstrapKey: SecretMatcher | null;

  constructor(
    private readonly reflector: Reflector,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.bootstrapKey = config.access.bootstrapApiKey === null ? null : new SecretMatcher(config.access.bootstrapApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const principal = this.authenticate(request);
    if (principal === null) throw new UnauthorizedException('log in, or send an API key as "Authorization: Bearer <key>"');
    const needed = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? (SAFE_METHODS.has(request.method) ? 'viewer' : 'admin');
    if (!roleAllows(principal.role, needed)) throw new ForbiddenException(`needs the ${needed} role; ${principal.name} is ${principal.role}`);
    (request as unknown as Record<string, unknown>)[PRINCIPAL_KEY] = principal;
    return true;
  }

  private authenticate(request: Request): Principal | null {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (match === null) return null;
    if (this.bootstrapKey?.matches(match[1])) return { kind: 'bootstrap-key', name: 'bootstrap-key', role: 'admin', scope: COUNTY_SCOPE };
    return null;
  }
}
