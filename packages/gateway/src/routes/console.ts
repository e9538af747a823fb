import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { ServiceInstance } from '@pms/platform/http';
import { notFound } from '@pms/platform/errors';

/** Vite names every asset after its content hash: a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Paths the console never answers, so their own 404s and routes stay as they are. */
const NOT_CONSOLE = /^\/(api|auth|docs|health|metrics)(\/|$)/;
/** A path with a file extension asks for a file; answering index.html for it hides a broken link. */
const LOOKS_LIKE_FILE = /\/[^/]+\.[a-z0-9]+$/i;

/**
 * The web console (packages/console, built by `npm run build`) at `/`: hashed assets cached for a
 * year, index.html revalidated every time, and any other page path answered with index.html so the
 * single-page app's own routes survive a reload. A gateway without a built console still starts.
 */
export async function registerConsole(app: ServiceInstance, consoleDir: string): Promise<void> {
  if (!existsSync(join(consoleDir, 'index.html'))) {
    app.log.warn({ consoleDir }, 'web console not built: / serves no console (npm run build builds it)');
    return;
  }
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: consoleDir,
      wildcard: false,
      cacheControl: false,
      schemaHide: true,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.startsWith(join(consoleDir, 'assets')) ? IMMUTABLE : 'no-cache');
      },
    });
    scope.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (NOT_CONSOLE.test(path) || LOOKS_LIKE_FILE.test(path)) {
        throw notFound(`Route ${request.method} ${request.url} not found`, 'ROUTE_NOT_FOUND');
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  });
  app.log.info({ consoleDir }, 'web console served at /');
}
