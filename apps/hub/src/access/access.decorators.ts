import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role, Authentication } from '@hub/access';

export const REQUIRED_ROLE = 'hub:required-role';
export const PUBLIC_ROUTE = 'hub:public-route';

/**
 * The least role a route needs. Without it, reading (GET/HEAD) needs `viewer` and every other method `admin`: a new
 * route is closed until someone decides who may use it.
 */
export const RequiresRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);

/** Open to anyone (health checks, Prometheus scrapes, the login itself). */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Request property where the access guard leaves who is asking. */
export const PRINCIPAL_KEY = 'hubPrincipal';
/** Request property with how they authenticated (API key or session, and the session's end). */
export const AUTHENTICATION_KEY = 'hubAuthentication';

/** The authenticated principal of the request (set by AccessGuard; absent only on public routes). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<Record<string, unknown>>()[PRINCIPAL_KEY] as Principal | undefined;
  if (principal === undefined) throw new Error('CurrentPrincipal used on a route without an authenticated principal (a @PublicRoute?)');
  return principal;
});

/** How the request authenticated (set by AccessGuard next to the principal). */
export const CurrentAuthentication = createParamDecorator((_data: unknown, context: ExecutionContext): Authentication => {
  const authentication = context.switchToHttp().getRequest<Record<string, unknown>>()[AUTHENTICATION_KEY] as Authentication | undefined;
  if (authentication === undefined) throw new Error('CurrentAuthentication used on a route without an authenticated principal (a @PublicRoute?)');
  return authentication;
});
