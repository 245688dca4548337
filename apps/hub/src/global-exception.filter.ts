import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@hub/common';
import { bodyErrorMessage } from './http/json-body';

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
      response.status(status).json({ statusCode: status, error: HttpStatus[status] ?? 'Error', message });
      return;
    }
    if (exception instanceof DomainError) {
      const status = DOMAIN_STATUS[exception.kind];
      const issues = exception.issues.length > 0 ? { issues: exception.issues } : {};
      response.status(status).json({ statusCode: status, error: HttpStatus[status], message: exception.message, ...issues });
      return;
    }
    this.logger.error({ msg: 'Unhandled error', method: request.method, url: request.url, error: exception });
    response.status(500).json({ statusCode: 500, error: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
  }
}
