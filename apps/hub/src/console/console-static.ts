import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleRoute } from './console-route';

/**
 * The console page may only talk to this origin. Inline style attributes are allowed because uPlot positions its
 * cursor and legend with them (and Leaflet its map panes); scripts are only the built bundle. Images come from here
 * too, and from the base-map tile server when one is configured (HUB_MAP_TILE_URL): nothing else leaves the hub's origin.
 */
export function contentSecurityPolicy(tileSource: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data:${tileSource === null ? '' : ` ${tileSource}`}`,
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Serves the operator console (built by Vite into `dir`) on the API's port: registered before the routes, it answers
 * only what consoleRoute claims and hands everything else to Nest.
 */
export function serveConsole(app: INestApplication, dir: string, logger: LoggerService, tileSource: string | null = null): void {
  const policy = contentSecurityPolicy(tileSource);
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ msg: 'Operator console is not built; `npm run build` builds it. The API is served without it.', dir });
    return;
  }
  app.use((request: Request, response: Response, next: NextFunction) => {
    const route = consoleRoute(request.method, request.path, request.headers.accept);
    if (route.kind === 'pass') {
      next();
      return;
    }
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (route.kind === 'page') {
      response.setHeader('Content-Security-Policy', policy);
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile('index.html', { root: dir }, (error) => {
        if (error && !response.headersSent) next(error);
      });
      return;
    }
    response.sendFile(route.file, { root: dir, maxAge: route.immutable ? '365d' : 0, immutable: route.immutable, dotfiles: 'deny' }, (error) => {
      // A file that is not there: the API's JSON 404, like any other unknown path.
      if (error && !response.headersSent) next();
    });
  });
}
