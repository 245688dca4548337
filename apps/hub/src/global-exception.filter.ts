import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@hub/common';
import { isDatabaseUnavailable } from '@hub/store';
import type { ApiErrorBody } from '@hub/api-types';
import { bodyErrorCode, bodyErrorMessage } from './http/json-body';

/** The stable code of a refusal that says no more than its status. */
const HTTP_CODES: Readonly<Record<number, string>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  503: 'unavailable',
};

/** A code the throwing code chose (`new HttpException({ message, code: 'login-throttled' }, 429)`). */
function ownCode(exception: HttpException): string | undefined {
  const code = (exception.getResponse() as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** How a domain failure from a lib reads over HTTP. */
const DOMAIN_STATUS = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409 } as const;

/**
 * The one place HTTP errors are turned into responses and logged: client errors (4xx) go back with their message,
 * anything unexpected is logged once with its stack and answered as a plain 500.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(GlobalExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) this.logger.error({ msg: 'Request failed', method: request.method, url: request.url, error: exception });
      // A body body-parser could not read comes with the library's terse message; say what to send instead.
      const message = bodyErrorMessage(exception.cause) ?? exception.message;
      // "Not now, later" answers (503, 429) say when: an exception whose response carries retryAfter (seconds).
      const retryAfter = (exception.getResponse() as { retryAfter?: unknown }).retryAfter;
      if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
      const code = bodyErrorCode(exception.cause) ?? ownCode(exception) ?? HTTP_CODES[status] ?? (status >= 500 ? 'internal' : 'refused');
      response.status(status).json({ statusCode: status, error: HttpStatus[status] ?? 'Error', code, message } satisfies ApiErrorBody);
      return;
    }
    if (exception instanceof DomainError) {
      const status = DOMAIN_STATUS[exception.kind];
      const body: ApiErrorBody = { statusCode: status, error: HttpStatus[status], code: exception.code ?? exception.kind, message: exception.message };
      response.status(status).json({ ...body, ...(exception.params ? { params: exception.params } : {}), ...(exception.issues.length > 0 ? { issues: exception.issues } : {}) });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      // An outage, not a bug: no stack, and the client is told to come back (the pool reconnects by itself).
      this.logger.warn({ msg: 'Request failed: the database is unavailable', method: request.method, url: request.url, error: String(exception) });
      response.setHeader('Retry-After', '5');
      response.status(503).json({
        statusCode: 503,
        error: 'SERVICE_UNAVAILABLE',
        code: 'database-unavailable',
        message: 'The hub’s database cannot be reached just now; try again in a few seconds',
      } satisfies ApiErrorBody);
      return;
    }
    this.logger.error({ msg: 'Unhandled error', method: request.method, url: request.url, error: exception });
    response.status(500).json({ statusCode: 500, error: 'INTERNAL_SERVER_ERROR', code: 'internal', message: 'Internal server error' } satisfies ApiErrorBody);
  }
}
