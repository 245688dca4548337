import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { HubConfig } from '@hub/config';
import { HttpIngestService, type DeviceLogin } from '@hub/pipeline';
import { HUB_CONFIG } from '../hub.tokens';

const DEVICE_LOGIN_KEY = 'hubDeviceLogin';

export type AdmittedDevice = Extract<DeviceLogin, { principal: unknown }>;

/**
 * The device's own credential on an ingest route (the route is a @PublicRoute for operators and API keys): 401 for no,
 * a malformed or a wrong credential, 403 for a valid one that may not send, 429 while the address is in the failed-login
 * back-off it shares with MQTT. A guard, so that an anonymous caller learns nothing about its body first.
 */
@Injectable()
export class DeviceLoginGuard implements CanActivate {
  private readonly retryAfterS: number;

  constructor(
    private readonly ingest: HttpIngestService,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    // A blocked address is let in again when its block ends (HUB_MQTT_LOGIN_BLOCK): at most that long.
    this.retryAfterS = Math.ceil((config.perimeter.loginBackoff?.blockMs ?? 1000) / 1000);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const login = this.ingest.login({ deviceId: String(request.params.deviceId), authorization: request.headers.authorization, remoteAddress: request.socket.remoteAddress });
    if ('refused' in login) {
      switch (login.refused) {
        case 'blocked':
          throw new HttpException({ statusCode: 429, error: 'TOO_MANY_REQUESTS', message: login.message, retryAfter: this.retryAfterS }, HttpStatus.TOO_MANY_REQUESTS);
        case 'unauthenticated':
          context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('WWW-Authenticate', 'Basic realm="county-sensing-hub", charset="UTF-8", Bearer realm="county-sensing-hub"');
          throw new UnauthorizedException(login.message);
        case 'not-authorized':
          throw new ForbiddenException(login.message);
      }
    }
    (request as unknown as Record<string, unknown>)[DEVICE_LOGIN_KEY] = login;
    return true;
  }
}

/** The device DeviceLoginGuard admitted. */
export const CurrentDevice = createParamDecorator((_data: unknown, context: ExecutionContext): AdmittedDevice => {
  const login = context.switchToHttp().getRequest<Record<string, unknown>>()[DEVICE_LOGIN_KEY] as AdmittedDevice | undefined;
  if (login === undefined) throw new Error('CurrentDevice used on a route without DeviceLoginGuard');
  return login;
});
