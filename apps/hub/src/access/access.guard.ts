import { CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { roleAllows, type Role, PrincipalResolver, csrfRefusal } from '@hub/access';
import { AUTHENTICATION_KEY, PRINCIPAL_KEY, PUBLIC_ROUTE, REQUIRED_ROLE } from './access.decorators';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every API route needs a principal with a sufficient role unless it is a @PublicRoute. Who is asking comes from the
 * Authorization header (`Bearer <API key>`) or the console's session cookie (PrincipalResolver, which reads the
 * database each time: a disabled operator or a revoked key is refused at once); the route's @RequiresRole (or the
 * default: viewer to read, admin to change) decides whether they may. 401 when nobody is authenticated, 403 when the
 * role is too low, 415 for a cookie-authenticated change without a JSON body type (CSRF, see csrf.ts).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<Request>();
    // Before the public check: the login and logout are public, and a cross-site form must not reach them either.
    const refusal = csrfRefusal(request.method, request.headers.authorization !== undefined, request.headers['content-type']);
    if (refusal !== null) throw new HttpException(refusal, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true) return true;
    const authentication = await this.resolver.resolve({ authorization: request.headers.authorization, cookie: request.headers.cookie });
    if (authentication === null) throw new UnauthorizedException('log in, or send an API key as "Authorization: Bearer <key>"');
    const { principal } = authentication;
    const needed = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? (SAFE_METHODS.has(request.method) ? 'viewer' : 'admin');
    if (!roleAllows(principal.role, needed)) throw new ForbiddenException(`needs the ${needed} role; ${principal.name} is ${principal.role}`);
    const fields = request as unknown as Record<string, unknown>;
    fields[PRINCIPAL_KEY] = principal;
    fields[AUTHENTICATION_KEY] = authentication;
    return true;
  }
}
