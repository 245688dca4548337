import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UnsupportedMediaTypeException } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { contentTypeProblem, JSON_MEDIA_TYPE, queryProblem } from './request-shape';

export const ACCEPTED_BODY_TYPES = 'hub:accepted-body-types';

/**
 * The media types a route's body may have, when not JSON: `@AcceptsBody('text/csv')` on a CSV import (its parser,
 * e.g. `app.useBodyParser('text', { type: 'text/csv' })`, is the route's business). Without it a route takes JSON only.
 */
export const AcceptsBody = (...mediaTypes: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(
    ACCEPTED_BODY_TYPES,
    mediaTypes.map((type) => type.toLowerCase()),
  );

/**
 * Applies the request-shape rules (request-shape.ts) to every API route, after the access guard (so an anonymous
 * caller gets 401 first): 400 for a repeated or unknown query parameter, 415 for a body that is not what the route
 * takes. Which query parameters a handler reads comes from its own @Query('name') parameters, so a new controller
 * gets the rule without doing anything.
 */
@Injectable()
export class RequestShapeInterceptor implements NestInterceptor {
  private readonly declaredQueries = new WeakMap<object, readonly string[] | null>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const queryIssue = queryProblem(request.query as Record<string, unknown>, this.declaredQuery(context));
    if (queryIssue !== undefined) throw new BadRequestException(queryIssue);
    const accepted = this.reflector.getAllAndOverride<string[]>(ACCEPTED_BODY_TYPES, [context.getHandler(), context.getClass()]) ?? [JSON_MEDIA_TYPE];
    const bodyIssue = contentTypeProblem(
      {
        contentType: request.headers['content-type'],
        contentLength: request.headers['content-length'],
        transferEncoding: request.headers['transfer-encoding'],
      },
      accepted,
    );
    if (bodyIssue !== undefined) throw new UnsupportedMediaTypeException(bodyIssue);
    return next.handle();
  }

  /** The names of the handler's @Query('name') parameters; null when one takes the whole query (@Query()). */
  private declaredQuery(context: ExecutionContext): readonly string[] | null {
    const handler = context.getHandler();
    let declared = this.declaredQueries.get(handler);
    if (declared === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, { index: number; data?: unknown }>;
      const queries = Object.entries(args).filter(([key]) => key.startsWith(`${RouteParamtypes.QUERY}:`)).map(([, arg]) => arg);
      // In parameter order, so the 400 lists them as the handler (and its OpenAPI entry) does.
      const names = queries.sort((a, b) => a.index - b.index).flatMap((arg) => (typeof arg.data === 'string' ? [arg.data] : []));
      declared = names.length < queries.length ? null : names;
      this.declaredQueries.set(handler, declared);
    }
    return declared;
  }
}
